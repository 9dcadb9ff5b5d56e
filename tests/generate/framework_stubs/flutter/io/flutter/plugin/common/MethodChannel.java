package io.flutter.plugin.common;

import java.nio.ByteBuffer;

public class MethodChannel {
    private final BinaryMessenger messenger;
    private final String name;

    public MethodChannel(BinaryMessenger messenger, String name) {
        this.messenger = messenger;
        this.name = name;
    }

    public void invokeMethod(String method, Object arguments) {
        throw new UnsupportedOperationException("stub");
    }

    public void invokeMethod(String method, Object arguments, Result callback) {
        throw new UnsupportedOperationException("stub");
    }

    public void setMethodCallHandler(final MethodCallHandler handler) {
        messenger.setMessageHandler(name, handler == null ? null : new StubIncoming(handler));
    }

    public interface MethodCallHandler {
        void onMethodCall(MethodCall call, Result result);
    }

    public interface Result {
        void success(Object result);

        void error(String errorCode, String errorMessage, Object errorDetails);

        void notImplemented();
    }

    /** Stub only: the real channel decodes the message with its codec before calling handler. */
    public static final class StubIncoming implements BinaryMessenger.BinaryMessageHandler {
        public final MethodCallHandler handler;

        StubIncoming(MethodCallHandler handler) {
            this.handler = handler;
        }

        @Override
        public void onMessage(ByteBuffer message, BinaryMessenger.BinaryReply reply) {
            throw new UnsupportedOperationException("stub");
        }
    }
}
