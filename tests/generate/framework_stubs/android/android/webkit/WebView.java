package android.webkit;

import android.content.Context;

public class WebView {
    public WebView(Context context) {
    }

    public void loadUrl(String url) {
    }
}
