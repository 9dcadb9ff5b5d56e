package com.getcapacitor;

import android.content.Context;
import android.webkit.WebView;

public class Bridge {
    private final Context context;
    private final WebView webView;

    /** Stub only: the real Bridge is made by Bridge.Builder from the activity. */
    public Bridge(Context context, WebView webView) {
        this.context = context;
        this.webView = webView;
    }

    public Context getContext() {
        return context;
    }

    public WebView getWebView() {
        return webView;
    }
}
