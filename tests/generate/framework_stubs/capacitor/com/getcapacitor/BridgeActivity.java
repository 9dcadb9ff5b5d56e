package com.getcapacitor;

import android.os.Bundle;
import androidx.appcompat.app.AppCompatActivity;
import java.util.ArrayList;
import java.util.List;

public class BridgeActivity extends AppCompatActivity {
    protected List<Class<? extends Plugin>> initialPlugins = new ArrayList<>();

    @Override
    protected void onCreate(Bundle savedInstanceState) {
    }

    public void registerPlugin(Class<? extends Plugin> plugin) {
        initialPlugins.add(plugin);
    }

    public void registerPlugins(List<Class<? extends Plugin>> plugins) {
        initialPlugins.addAll(plugins);
    }

    public Bridge getBridge() {
        throw new UnsupportedOperationException("stub");
    }
}
