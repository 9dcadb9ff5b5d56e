package android.webkit;

import java.util.Collections;
import java.util.Set;
import java.util.WeakHashMap;

public abstract class CookieManager {
    private static CookieManager instance;

    public CookieManager() {
    }

    public static synchronized CookieManager getInstance() {
        if (instance == null) {
            instance = new Stub();
        }
        return instance;
    }

    public abstract void setAcceptCookie(boolean accept);

    public abstract boolean acceptCookie();

    public abstract void setAcceptThirdPartyCookies(WebView webview, boolean accept);

    public abstract boolean acceptThirdPartyCookies(WebView webview);

    private static final class Stub extends CookieManager {
        private boolean accept = true;
        private final Set<WebView> thirdParty = Collections.newSetFromMap(new WeakHashMap<WebView, Boolean>());

        @Override
        public void setAcceptCookie(boolean accept) {
            this.accept = accept;
        }

        @Override
        public boolean acceptCookie() {
            return accept;
        }

        @Override
        public void setAcceptThirdPartyCookies(WebView webview, boolean accept) {
            if (accept) {
                thirdParty.add(webview);
            } else {
                thirdParty.remove(webview);
            }
        }

        @Override
        public boolean acceptThirdPartyCookies(WebView webview) {
            return thirdParty.contains(webview);
        }
    }
}
