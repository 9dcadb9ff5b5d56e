package io.flutter.embedding.android;

import android.app.Activity;
import io.flutter.embedding.engine.FlutterEngine;

public class FlutterActivity extends Activity {
    public void configureFlutterEngine(FlutterEngine flutterEngine) {
    }
}
