package io.flutter.embedding.engine;

import android.content.Context;
import io.flutter.embedding.engine.dart.DartExecutor;

public class FlutterEngine {
    private final DartExecutor dartExecutor = new DartExecutor();

    public FlutterEngine(Context context) {
    }

    public DartExecutor getDartExecutor() {
        return dartExecutor;
    }
}
