package io.flutter.plugin.common;

import java.util.Map;

public final class MethodCall {
    public final String method;
    public final Object arguments;

    public MethodCall(String method, Object arguments) {
        this.method = method;
        this.arguments = arguments;
    }

    @SuppressWarnings("unchecked")
    public <T> T argument(String key) {
        if (arguments == null) {
            return null;
        }
        if (arguments instanceof Map) {
            return (T) ((Map<?, ?>) arguments).get(key);
        }
        throw new ClassCastException();
    }

    public boolean hasArgument(String key) {
        return arguments instanceof Map && ((Map<?, ?>) arguments).containsKey(key);
    }
}
