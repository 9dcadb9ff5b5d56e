package android.webkit;

/** Not Android API: the stub WebView's settings (package-private, invisible to callers). */
final class StubWebSettings extends WebSettings {
    private boolean javaScriptEnabled;
    private boolean domStorageEnabled;
    private int mixedContentMode = MIXED_CONTENT_NEVER_ALLOW;
    private boolean javaScriptCanOpenWindowsAutomatically;
    private boolean supportMultipleWindows;
    private int cacheMode = LOAD_DEFAULT;
    private String userAgent = "Mozilla/5.0 (Linux; Android 14; wv) Chrome/120.0.0.0 Mobile Safari/537.36";

    @Override
    public void setJavaScriptEnabled(boolean flag) {
        javaScriptEnabled = flag;
    }

    @Override
    public boolean getJavaScriptEnabled() {
        return javaScriptEnabled;
    }

    @Override
    public void setDomStorageEnabled(boolean flag) {
        domStorageEnabled = flag;
    }

    @Override
    public boolean getDomStorageEnabled() {
        return domStorageEnabled;
    }

    @Override
    public void setMixedContentMode(int mode) {
        mixedContentMode = mode;
    }

    @Override
    public int getMixedContentMode() {
        return mixedContentMode;
    }

    @Override
    public void setJavaScriptCanOpenWindowsAutomatically(boolean flag) {
        javaScriptCanOpenWindowsAutomatically = flag;
    }

    @Override
    public boolean getJavaScriptCanOpenWindowsAutomatically() {
        return javaScriptCanOpenWindowsAutomatically;
    }

    @Override
    public void setSupportMultipleWindows(boolean support) {
        supportMultipleWindows = support;
    }

    @Override
    public boolean supportMultipleWindows() {
        return supportMultipleWindows;
    }

    @Override
    public void setCacheMode(int mode) {
        cacheMode = mode;
    }

    @Override
    public int getCacheMode() {
        return cacheMode;
    }

    @Override
    public void setUserAgentString(String ua) {
        userAgent = ua;
    }

    @Override
    public String getUserAgentString() {
        return userAgent;
    }
}
