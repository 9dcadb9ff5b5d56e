package android.webkit;

public class WebViewClient {
    public WebViewClient() {
    }

    @Deprecated
    public boolean shouldOverrideUrlLoading(WebView view, String url) {
        return false;
    }

    @SuppressWarnings("deprecation")
    public boolean shouldOverrideUrlLoading(WebView view, WebResourceRequest request) {
        return shouldOverrideUrlLoading(view, request.getUrl().toString());
    }

    public void onPageFinished(WebView view, String url) {
    }
}
