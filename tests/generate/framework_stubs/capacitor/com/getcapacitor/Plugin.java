package com.getcapacitor;

import android.content.Context;
import android.net.Uri;

public class Plugin {
    protected Bridge bridge;

    public void setBridge(Bridge bridge) {
        this.bridge = bridge;
    }

    public Bridge getBridge() {
        return bridge;
    }

    public Context getContext() {
        return bridge.getContext();
    }

    protected void load() {
    }

    public Boolean shouldOverrideLoad(Uri url) {
        return null;
    }
}
