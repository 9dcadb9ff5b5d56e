package schemegen.harness;

import android.net.Uri;
import android.webkit.WebChromeClient;
import android.webkit.WebResourceRequest;
import android.webkit.WebView;
import android.webkit.WebViewClient;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Collections;
import java.util.Map;
import org.json.JSONArray;
import org.json.JSONException;
import org.json.JSONObject;
import org.robolectric.shadow.api.Shadow;
import org.robolectric.shadows.ShadowWebView;

/** Drives a generated PaymentWebViewClient (Java or Kotlin) installed with its configure(). */
public final class ClientDriver {
    private final Class<?> listenerType;
    private final Method configure;

    public ClientDriver(String javaPackage, String classPrefix) throws ReflectiveOperationException {
        Class<?> client = Class.forName(javaPackage + "." + classPrefix + "PaymentWebViewClient");
        listenerType = Class.forName(javaPackage + "." + classPrefix + "PaymentUrlLauncher$Listener");
        configure = client.getMethod("configure", WebView.class, listenerType);
    }

    public Class<?> listenerType() {
        return listenerType;
    }

    /** configure(webView, listener); the returned Recorder sees the listener's calls. */
    public Recorder configure(WebView webView) {
        Recorder recorder = new Recorder();
        try {
            configure.invoke(null, webView, recorder.listener(listenerType));
        } catch (InvocationTargetException e) {
            throw new AssertionError(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
        return recorder;
    }

    static WebViewClient client(WebView webView) {
        return ((ShadowWebView) Shadow.extract(webView)).getWebViewClient();
    }

    static WebChromeClient chrome(WebView webView) {
        return ((ShadowWebView) Shadow.extract(webView)).getWebChromeClient();
    }

    static String lastLoadedUrl(WebView webView) {
        return ((ShadowWebView) Shadow.extract(webView)).getLastLoadedUrl();
    }

    /** The WebView's navigation callback: `handled` and what the WebView loaded, or `threw`. */
    public static JSONObject navigate(WebView webView, Recorder recorder, String url, boolean isMainFrame)
            throws JSONException {
        JSONObject out = new JSONObject();
        JSONArray loaded = new JSONArray();
        try {
            boolean handled = client(webView).shouldOverrideUrlLoading(webView, request(url, isMainFrame));
            out.put("handled", handled);
        } catch (RuntimeException e) {
            out.put("threw", e.toString());
        }
        String last = lastLoadedUrl(webView);
        if (last != null) {
            loaded.put(last);
        }
        out.put("loaded", loaded);
        out.put("listener", recorder.calls());
        return out;
    }

    /** The String overload WebView calls below API 24, on a fresh WebView like navigate(). */
    @SuppressWarnings("deprecation")
    public static JSONObject navigateLegacy(WebView webView, Recorder recorder, String url) throws JSONException {
        JSONObject out = new JSONObject();
        JSONArray loaded = new JSONArray();
        try {
            out.put("handled", client(webView).shouldOverrideUrlLoading(webView, url));
        } catch (RuntimeException e) {
            out.put("threw", e.toString());
        }
        String last = lastLoadedUrl(webView);
        if (last != null) {
            loaded.put(last);
        }
        out.put("loaded", loaded);
        out.put("listener", recorder.calls());
        return out;
    }

    /** The request WebView passes for a navigation (API 24+ overload). */
    static WebResourceRequest request(final String url, final boolean isMainFrame) {
        return new WebResourceRequest() {
            @Override
            public Uri getUrl() {
                return Uri.parse(url);
            }

            @Override
            public boolean isForMainFrame() {
                return isMainFrame;
            }

            @Override
            public boolean isRedirect() {
                return false;
            }

            @Override
            public boolean hasGesture() {
                return true;
            }

            @Override
            public String getMethod() {
                return "GET";
            }

            @Override
            public Map<String, String> getRequestHeaders() {
                return Collections.emptyMap();
            }
        };
    }
}
