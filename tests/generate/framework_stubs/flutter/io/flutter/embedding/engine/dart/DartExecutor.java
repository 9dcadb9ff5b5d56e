package io.flutter.embedding.engine.dart;

import io.flutter.plugin.common.BinaryMessenger;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

public class DartExecutor implements BinaryMessenger {
    /** Stub only: the handlers set through this messenger, by channel name. */
    public final Map<String, BinaryMessageHandler> stubHandlers = new LinkedHashMap<>();

    /** Stub only: the real constructor takes a FlutterJNI and an AssetManager. */
    public DartExecutor() {
    }

    public BinaryMessenger getBinaryMessenger() {
        return this;
    }

    @Override
    public void send(String channel, ByteBuffer message) {
        throw new UnsupportedOperationException("stub");
    }

    @Override
    public void send(String channel, ByteBuffer message, BinaryReply callback) {
        throw new UnsupportedOperationException("stub");
    }

    @Override
    public void setMessageHandler(String channel, BinaryMessageHandler handler) {
        stubHandlers.put(channel, handler);
    }
}
