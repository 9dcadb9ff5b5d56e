package android.webkit;

import android.content.Context;
import android.widget.AbsoluteLayout;

@SuppressWarnings("deprecation")
public class WebView extends AbsoluteLayout {
    private final WebSettings settings = new StubWebSettings();
    private WebViewClient webViewClient = new WebViewClient();
    private WebChromeClient webChromeClient;

    public WebView(Context context) {
        super(context);
    }

    public WebSettings getSettings() {
        return settings;
    }

    public void loadUrl(String url) {
    }

    public String getUrl() {
        return null;
    }

    public void reload() {
    }

    public boolean canGoBack() {
        return false;
    }

    public void goBack() {
    }

    public void setWebViewClient(WebViewClient client) {
        webViewClient = client;
    }

    public WebViewClient getWebViewClient() {
        return webViewClient;
    }

    public void setWebChromeClient(WebChromeClient client) {
        webChromeClient = client;
    }

    public WebChromeClient getWebChromeClient() {
        return webChromeClient;
    }
}
