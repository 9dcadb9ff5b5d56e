import android.content.ActivityNotFoundException;
import android.content.Context;
import android.content.Intent;
import android.net.Uri;
import android.webkit.CookieManager;
import android.webkit.WebResourceRequest;
import android.webkit.WebSettings;
import android.webkit.WebView;

import com.example.shop.payment.PaymentWebViewClient;
import com.example.shop.payment.PaymentWebViewClient.Router;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs the generated PaymentWebViewClient (Java or Kotlin build) on a plain JVM.
 *
 * <p>Reads one command per line on stdin, tab-separated fields in which every character
 * outside printable ASCII, and '\', '~' and tab, is written as a backslash-u escape; a field
 * that is exactly "~" is null. Writes one JSON value per command:
 *
 * <ul>
 *   <li>{@code route URL} - the Action name;
 *   <li>{@code fallbacks SCHEME PACKAGE BROWSER_FALLBACK_URL} - the fallback list;
 *   <li>{@code package ROUTER_CLASS SCHEME} - packageForScheme of any generated Router;
 *   <li>{@code glue OVERLOAD INSTALLED URL} - shouldOverrideUrlLoading through the
 *       "request" or "string" overload on a device where INSTALLED (comma-separated
 *       packages, or schemes for package-less intents; "deny:" makes one throw
 *       SecurityException) can be started: {"handled": bool, "events": [...]};
 *   <li>{@code configure} - the WebView state after configure().
 * </ul>
 */
public final class PaymentDriver {
    private PaymentDriver() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(System.out, true, "UTF-8");
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            String[] raw = line.split("\t", -1);
            String[] f = new String[raw.length];
            for (int i = 0; i < raw.length; i++) {
                f[i] = decode(raw[i]);
            }
            out.println(run(f));
        }
    }

    private static String run(String[] f) throws Exception {
        switch (f[0]) {
            case "route":
                return json(Router.route(f[1]).name());
            case "fallbacks":
                return json(Router.fallbacks(f[1], f[2], f[3]));
            case "package":
                Method lookup = Class.forName(f[1] + "$Router").getMethod("packageForScheme", String.class);
                return json((String) lookup.invoke(null, f[2]));
            case "glue":
                return glue(f[1], f[2], f[3]);
            case "configure":
                return configure();
            default:
                throw new IllegalArgumentException("unknown command " + f[0]);
        }
    }

    @SuppressWarnings("deprecation")
    private static String glue(String overload, String installed, String url) {
        final Set<String> apps = new HashSet<>(Arrays.asList(installed.split(",")));
        final List<String> events = new ArrayList<>();
        Context context = new Context() {
            @Override
            public void startActivity(Intent intent) {
                String target = intent.getPackage() != null ? intent.getPackage() : intent.getScheme();
                String outcome = apps.contains(target) ? "ok"
                        : apps.contains("deny:" + target) ? "denied" : "not found";
                events.add(startEvent(intent, outcome));
                if (outcome.equals("denied")) {
                    throw new SecurityException("Permission Denial: starting " + intent);
                }
                if (outcome.equals("not found")) {
                    throw new ActivityNotFoundException("No Activity found to handle " + intent);
                }
            }
        };
        WebView view = new WebView(context) {
            @Override
            public void loadUrl(String loaded) {
                events.add(object("load", json(loaded)));
            }
        };
        PaymentWebViewClient client = new PaymentWebViewClient(uri -> events.add(object("return", json(uri.toString()))));
        boolean handled = overload.equals("request")
                ? client.shouldOverrideUrlLoading(view, request(url))
                : client.shouldOverrideUrlLoading(view, url);
        return "{\"handled\": " + handled + ", \"events\": [" + String.join(", ", events) + "]}";
    }

    private static String configure() {
        Context context = new Context() {
            @Override
            public void startActivity(Intent intent) {
                throw new ActivityNotFoundException();
            }
        };
        WebView view = new WebView(context);
        String userAgent = view.getSettings().getUserAgentString();
        PaymentWebViewClient.configure(view, uri -> { });
        WebSettings s = view.getSettings();
        return "{\"javaScript\": " + s.getJavaScriptEnabled()
                + ", \"domStorage\": " + s.getDomStorageEnabled()
                + ", \"mixedContentAlwaysAllow\": " + (s.getMixedContentMode() == WebSettings.MIXED_CONTENT_ALWAYS_ALLOW)
                + ", \"cacheModeDefault\": " + (s.getCacheMode() == WebSettings.LOAD_DEFAULT)
                + ", \"userAgentUntouched\": " + s.getUserAgentString().equals(userAgent)
                + ", \"cookies\": " + CookieManager.getInstance().acceptCookie()
                + ", \"thirdPartyCookies\": " + CookieManager.getInstance().acceptThirdPartyCookies(view)
                + ", \"client\": " + json(view.getWebViewClient().getClass().getName())
                + ", \"chromeClient\": " + (view.getWebChromeClient() != null) + "}";
    }

    private static WebResourceRequest request(final String url) {
        return new WebResourceRequest() {
            @Override
            public Uri getUrl() {
                return Uri.parse(url);
            }

            @Override
            public boolean isForMainFrame() {
                return true;
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

    private static String startEvent(Intent intent, String outcome) {
        List<String> categories = new ArrayList<>();
        if (intent.getCategories() != null) {
            categories.addAll(intent.getCategories());
            Collections.sort(categories);
        }
        return "{\"start\": " + json(intent.getDataString())
                + ", \"action\": " + json(intent.getAction())
                + ", \"package\": " + json(intent.getPackage())
                + ", \"categories\": " + json(categories)
                + ", \"component\": " + json(intent.getComponent() == null ? null : intent.getComponent().flattenToString())
                + ", \"selector\": " + json(intent.getSelector() == null ? null : intent.getSelector().toString())
                + ", \"outcome\": " + json(outcome) + "}";
    }

    private static String object(String key, String value) {
        return "{" + json(key) + ": " + value + "}";
    }

    private static String json(List<String> values) {
        List<String> items = new ArrayList<>();
        for (String value : values) {
            items.add(json(value));
        }
        return "[" + String.join(", ", items) + "]";
    }

    private static String json(String value) {
        if (value == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20 || c > 0x7e) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }

    private static String decode(String field) {
        if (field.equals("~")) {
            return null;
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && field.startsWith("u", i + 1)) {
                b.append((char) Integer.parseInt(field.substring(i + 2, i + 6), 16));
                i += 5;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
