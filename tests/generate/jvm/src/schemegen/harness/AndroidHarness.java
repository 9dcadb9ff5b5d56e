package schemegen.harness;

import android.app.Activity;
import android.app.AlertDialog;
import android.app.Application;
import android.content.Context;
import android.content.Intent;
import android.content.MutableContextWrapper;
import android.net.Uri;
import android.os.Handler;
import android.os.Looper;
import android.os.Message;
import android.view.ViewGroup;
import android.webkit.CookieManager;
import android.webkit.JsPromptResult;
import android.webkit.JsResult;
import android.webkit.WebChromeClient;
import android.webkit.WebSettings;
import android.webkit.WebView;
import android.widget.EditText;
import android.widget.FrameLayout;
import java.lang.reflect.InvocationTargetException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.json.JSONArray;
import org.json.JSONException;
import org.json.JSONObject;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.robolectric.Robolectric;
import org.robolectric.RobolectricTestRunner;
import org.robolectric.RuntimeEnvironment;
import org.robolectric.annotation.Config;
import org.robolectric.annotation.LooperMode;
import org.robolectric.shadow.api.Shadow;
import org.robolectric.shadows.ShadowAlertDialog;
import org.robolectric.shadows.ShadowJsResult;
import org.robolectric.shadows.ShadowLooper;
import org.robolectric.shadows.ShadowWebView;

/**
 * Runs the generated Android clients on Robolectric's Android framework: the URL table of
 * tests/url_cases.yaml per device scenario (one test each), then popups, dialogs, settings
 * and the onNewIntent return. Reads -Dschemegen.input (JSON), writes JSON into
 * -Dschemegen.output; the pytest side asserts.
 */
@RunWith(RobolectricTestRunner.class)
@Config(sdk = OneSdkProvider.API_LEVEL, manifest = Config.NONE)
@LooperMode(LooperMode.Mode.PAUSED)
public final class AndroidHarness {

    @Test
    public void installed() throws Exception {
        scenario("installed");
    }

    @Test
    public void missing() throws Exception {
        scenario("missing");
    }

    @Test
    public void noStore() throws Exception {
        scenario("no_store");
    }

    @Test
    public void nonActivity() throws Exception {
        scenario("non_activity");
    }

    @Test
    public void subframe() throws Exception {
        scenario("subframe");
    }

    private static JSONObject input() throws Exception {
        Path path = Paths.get(System.getProperty("schemegen.input"));
        return new JSONObject(new String(Files.readAllBytes(path), StandardCharsets.UTF_8));
    }

    private static void output(String name, Object value) throws Exception {
        Path path = Paths.get(System.getProperty("schemegen.output"), name + ".json");
        Files.write(path, value.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static Application application() {
        return RuntimeEnvironment.getApplication();
    }

    /** An Activity whose content is a FrameLayout, the parent the WebViews go into. */
    private static FrameLayout container() {
        Activity activity = Robolectric.buildActivity(Activity.class).setup().get();
        FrameLayout layout = new FrameLayout(activity);
        activity.setContentView(layout);
        return layout;
    }

    private static void scenario(String name) throws Exception {
        JSONObject in = input();
        Application application = application();
        new Device(application).install(name, in.getJSONArray("apps"));
        boolean activity = !name.equals("non_activity");
        boolean mainFrame = !name.equals("subframe");
        FrameLayout layout = container();
        Context context = activity ? layout.getContext() : new MutableContextWrapper(application);
        JSONArray results = new JSONArray();
        JSONArray clients = in.getJSONArray("clients");
        JSONArray cases = in.getJSONArray("cases");
        for (int c = 0; c < clients.length(); c++) {
            JSONObject lang = clients.getJSONObject(c);
            String pkg = lang.getString("package");
            ClientDriver client = new ClientDriver(pkg, "");
            LauncherDriver launcher = new LauncherDriver(pkg, "");
            for (int i = 0; i < cases.length(); i++) {
                JSONObject row = cases.getJSONObject(i);
                String url = row.getString("url");
                WebView webView = new WebView(context);
                if (activity) {
                    layout.addView(webView);
                }
                Recorder recorder = client.configure(webView);
                JSONObject viaClient = ClientDriver.navigate(webView, recorder, url, mainFrame);
                viaClient.put("started", Recorder.started(application));
                JSONObject viaLauncher = launcher.run(context, url, mainFrame);
                viaLauncher.put("started", Recorder.started(application));
                for (JSONObject result : new JSONObject[] {viaClient, viaLauncher}) {
                    result.put("lang", lang.getString("lang"));
                    result.put("case", row.getString("id"));
                    result.put("scenario", name);
                }
                viaClient.put("entry", "client");
                viaLauncher.put("entry", "launcher");
                results.put(viaClient).put(viaLauncher);
                if (name.equals("subframe")) {
                    WebView legacyView = new WebView(context);
                    layout.addView(legacyView);
                    JSONObject legacy = ClientDriver.navigateLegacy(legacyView, client.configure(legacyView), url);
                    legacy.put("started", Recorder.started(application));
                    legacy.put("lang", lang.getString("lang")).put("case", row.getString("id"));
                    legacy.put("scenario", name).put("entry", "client_legacy");
                    results.put(legacy);
                    layout.removeView(legacyView);
                }
                if (activity) {
                    layout.removeView(webView);
                }
            }
        }
        output(name, results);
    }

    @Test
    public void features() throws Exception {
        JSONObject in = input();
        Application application = application();
        new Device(application).install("installed", in.getJSONArray("apps"));
        JSONObject out = new JSONObject();
        JSONArray clients = in.getJSONArray("clients");
        for (int c = 0; c < clients.length(); c++) {
            JSONObject lang = clients.getJSONObject(c);
            String pkg = lang.getString("package");
            JSONObject features = new JSONObject();
            features.put("configure", configure(pkg));
            features.put("popup", popup(pkg, in.getString("popup_url")));
            features.put("dialogs_activity", dialogs(pkg, true));
            features.put("dialogs_no_activity", dialogs(pkg, false));
            features.put("returns", returns(pkg, in.getJSONArray("returns")));
            features.put("fuzz", fuzz(pkg, in.getJSONArray("fuzz")));
            out.put(lang.getString("lang"), features);
        }
        out.put("probes", probes(application));
        out.put("lookups", lookups(in.getJSONArray("lookups")));
        output("features", out);
    }

    private static JSONObject configure(String pkg) throws Exception {
        FrameLayout layout = container();
        WebView webView = new WebView(layout.getContext());
        layout.addView(webView);
        new ClientDriver(pkg, "").configure(webView);
        WebSettings settings = webView.getSettings();
        JSONObject out = new JSONObject();
        out.put("javaScript", settings.getJavaScriptEnabled());
        out.put("domStorage", settings.getDomStorageEnabled());
        out.put("openWindowsAutomatically", settings.getJavaScriptCanOpenWindowsAutomatically());
        out.put("multipleWindows", settings.supportMultipleWindows());
        out.put("mixedContentMode", settings.getMixedContentMode());
        out.put("cacheMode", settings.getCacheMode());
        out.put("userAgent", Recorder.json(settings.getUserAgentString()));
        out.put("cookies", CookieManager.getInstance().acceptCookie());
        out.put("thirdPartyCookies", CookieManager.getInstance().acceptThirdPartyCookies(webView));
        out.put("client", ClientDriver.client(webView).getClass().getName());
        out.put("chrome", ClientDriver.chrome(webView).getClass().getName());
        WebView plain = new WebView(layout.getContext());
        out.put("defaultUserAgent", Recorder.json(plain.getSettings().getUserAgentString()));
        out.put("defaultCacheMode", plain.getSettings().getCacheMode());
        return out;
    }

    /**
     * Two popups: one the page opens straight to an app URL (closed once the app starts), one
     * that shows a page first (kept, then closed by window.close()).
     */
    private static JSONObject popup(String pkg, String appUrl) throws Exception {
        Application application = application();
        FrameLayout layout = container();
        WebView webView = new WebView(layout.getContext());
        layout.addView(webView);
        new ClientDriver(pkg, "").configure(webView);
        WebChromeClient chrome = ClientDriver.chrome(webView);
        JSONObject out = new JSONObject();
        WebView blank = open(chrome, webView, out);
        if (blank == null) {
            return out;
        }
        out.put("shownOverPage", blank.getParent() == layout && layout.indexOfChild(blank) > layout.indexOfChild(webView));
        out.put("sameClient", ClientDriver.client(blank) == ClientDriver.client(webView));
        out.put("sameChrome", ClientDriver.chrome(blank) == chrome);
        out.put("popupOpensWindows", blank.getSettings().getJavaScriptCanOpenWindowsAutomatically());
        out.put("popupJavaScript", blank.getSettings().getJavaScriptEnabled());
        Recorder.started(application);
        JSONObject routed = ClientDriver.navigate(blank, new Recorder(), appUrl, true);
        routed.put("started", Recorder.started(application));
        out.put("routed", routed);
        out.put("blankClosed", blank.getParent() == null
                && ((ShadowWebView) Shadow.extract(blank)).wasDestroyCalled());

        WebView page = open(chrome, webView, new JSONObject());
        page.loadUrl("https://pg.example/popup");
        JSONObject routedFromPage = ClientDriver.navigate(page, new Recorder(), appUrl, true);
        routedFromPage.put("started", Recorder.started(application));
        out.put("routedFromPage", routedFromPage);
        out.put("pageKeptOpen", page.getParent() == layout);
        chrome.onCloseWindow(page);
        out.put("removed", page.getParent() == null && layout.indexOfChild(page) < 0);
        out.put("destroyed", ((ShadowWebView) Shadow.extract(page)).wasDestroyCalled());
        out.put("pageKept", webView.getParent() == layout && !((ShadowWebView) Shadow.extract(webView)).wasDestroyCalled());
        return out;
    }

    private static WebView open(WebChromeClient chrome, WebView webView, JSONObject out) throws JSONException {
        WebView.WebViewTransport transport = webView.new WebViewTransport();
        Message message = Message.obtain(new Handler(Looper.getMainLooper()));
        message.obj = transport;
        out.put("created", chrome.onCreateWindow(webView, false, true, message));
        out.put("transportFilled", transport.getWebView() != null);
        ShadowLooper.idleMainLooper();
        return transport.getWebView();
    }

    /** alert, confirm and prompt; each answer is what the page's script receives. */
    private static JSONObject dialogs(String pkg, boolean activity) throws Exception {
        Context context = activity ? container().getContext() : new MutableContextWrapper(application());
        WebView webView = new WebView(context);
        if (activity) {
            ((ViewGroup) ((Activity) context).findViewById(android.R.id.content)).addView(webView);
        }
        new ClientDriver(pkg, "").configure(webView);
        WebChromeClient chrome = ClientDriver.chrome(webView);
        JSONObject out = new JSONObject();
        out.put("alert", dialog(chrome, webView, "alert", AlertDialog.BUTTON_POSITIVE, null));
        out.put("confirm_ok", dialog(chrome, webView, "confirm", AlertDialog.BUTTON_POSITIVE, null));
        out.put("confirm_cancel", dialog(chrome, webView, "confirm", AlertDialog.BUTTON_NEGATIVE, null));
        out.put("prompt", dialog(chrome, webView, "prompt", AlertDialog.BUTTON_POSITIVE, "4111"));
        out.put("prompt_cancel", dialog(chrome, webView, "prompt", AlertDialog.BUTTON_NEGATIVE, null));
        return out;
    }

    private static JSONObject dialog(WebChromeClient chrome, WebView webView, String kind, int button, String typed)
            throws JSONException {
        // Robolectric's ShadowJsResult records cancel() instead of waking the receiver, so
        // the receiver sees the confirms and wasCancelled() the cancel.
        final JSONArray answers = new JSONArray();
        JsResult.ResultReceiver receiver = result -> answers.put(result instanceof JsPromptResult
                ? "confirm:" + ((JsPromptResult) result).getStringResult() : "confirm");
        JsResult result = kind.equals("prompt") ? new JsPromptResult(receiver) : new JsResult(receiver);
        ShadowAlertDialog.reset();
        JSONObject out = new JSONObject();
        boolean returned;
        try {
            if (kind.equals("alert")) {
                returned = chrome.onJsAlert(webView, "https://pg.example/", "message", result);
            } else if (kind.equals("confirm")) {
                returned = chrome.onJsConfirm(webView, "https://pg.example/", "message", result);
            } else {
                returned = chrome.onJsPrompt(webView, "https://pg.example/", "message", "default",
                        (JsPromptResult) result);
            }
        } catch (RuntimeException e) {
            out.put("threw", e.toString());
            return out;
        }
        out.put("returned", returned);
        out.put("answeredBeforeDialog", answers.length() + (cancelled(result) ? 1 : 0));
        AlertDialog shown = ShadowAlertDialog.getLatestAlertDialog();
        out.put("shown", shown != null && shown.isShowing());
        if (shown != null && shown.isShowing()) {
            if (typed != null) {
                EditText input = findEditText(shown.getWindow().getDecorView());
                out.put("defaultValue", input == null ? JSONObject.NULL : input.getText().toString());
                if (input != null) {
                    input.setText(typed);
                }
            }
            shown.getButton(button).performClick();
            ShadowLooper.idleMainLooper();
        }
        if (cancelled(result)) {
            answers.put("cancel");
        }
        out.put("answers", answers);
        return out;
    }

    private static boolean cancelled(JsResult result) {
        return ((ShadowJsResult) Shadow.extract(result)).wasCancelled();
    }

    private static EditText findEditText(android.view.View view) {
        if (view instanceof EditText) {
            return (EditText) view;
        }
        if (view instanceof ViewGroup) {
            ViewGroup group = (ViewGroup) view;
            for (int i = 0; i < group.getChildCount(); i++) {
                EditText found = findEditText(group.getChildAt(i));
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    /** deliverReturn on onNewIntent intents, next to the same URL navigated in the page. */
    private static JSONArray returns(String pkg, JSONArray urls) throws Exception {
        Class<?> launcher = Class.forName(pkg + ".PaymentUrlLauncher");
        ClientDriver client = new ClientDriver(pkg, "");
        JSONArray out = new JSONArray();
        for (int i = 0; i < urls.length(); i++) {
            String url = urls.isNull(i) ? null : urls.getString(i);
            Recorder recorder = new Recorder();
            Intent intent = url == null ? null : new Intent(Intent.ACTION_VIEW, Uri.parse(url));
            JSONObject row = new JSONObject();
            row.put("url", Recorder.json(url));
            try {
                Object delivered = launcher.getMethod("deliverReturn", Intent.class, client.listenerType())
                        .invoke(null, intent, recorder.listener(client.listenerType()));
                row.put("delivered", delivered);
            } catch (InvocationTargetException e) {
                row.put("threw", e.getCause().toString());
            }
            row.put("listener", recorder.calls());
            if (url != null) {
                FrameLayout layout = container();
                WebView webView = new WebView(layout.getContext());
                layout.addView(webView);
                Recorder page = client.configure(webView);
                row.put("inPage", ClientDriver.navigate(webView, page, url, true).getJSONArray("listener"));
            }
            out.put(row);
        }
        return out;
    }

    /** The URLs that made either entry point throw (none may). */
    private static JSONArray fuzz(String pkg, JSONArray urls) throws Exception {
        Application application = application();
        FrameLayout layout = container();
        ClientDriver client = new ClientDriver(pkg, "");
        LauncherDriver launcher = new LauncherDriver(pkg, "");
        WebView webView = new WebView(layout.getContext());
        layout.addView(webView);
        Recorder recorder = client.configure(webView);
        JSONArray threw = new JSONArray();
        for (int i = 0; i < urls.length(); i++) {
            String url = urls.getString(i);
            for (boolean mainFrame : new boolean[] {true, false}) {
                JSONObject viaClient = ClientDriver.navigate(webView, recorder, url, mainFrame);
                JSONObject viaLauncher = launcher.run(layout.getContext(), url, mainFrame);
                for (JSONObject result : new JSONObject[] {viaClient, viaLauncher}) {
                    if (result.has("threw")) {
                        threw.put(new JSONArray().put(url).put(result.getString("threw")));
                    }
                }
            }
            Recorder.started(application);
        }
        return threw;
    }

    /** What the device itself enforces, so the scenario results mean something. */
    private static JSONObject probes(Application application) throws JSONException {
        JSONObject out = new JSONObject();
        out.put("appContextWithoutNewTask", attempt(application,
                new Intent(Intent.ACTION_VIEW, Uri.parse("https://pay.example.com/"))));
        Activity activity = Robolectric.buildActivity(Activity.class).setup().get();
        Intent browsable = new Intent(Intent.ACTION_VIEW, Uri.parse("kb-acp://pay"));
        browsable.addCategory(Intent.CATEGORY_BROWSABLE);
        out.put("nonBrowsableAppWithBrowsable", attempt(activity, browsable));
        out.put("nonBrowsableAppPlain", attempt(activity, new Intent(Intent.ACTION_VIEW, Uri.parse("kb-acp://pay"))));
        out.put("unknownScheme", attempt(activity, new Intent(Intent.ACTION_VIEW, Uri.parse("nosuchapp://x"))));
        Recorder.started(application);
        return out;
    }

    private static String attempt(Context context, Intent intent) {
        try {
            context.startActivity(intent);
            return "started";
        } catch (RuntimeException e) {
            return e.getClass().getName();
        }
    }

    private static JSONArray lookups(JSONArray rows) throws Exception {
        JSONArray out = new JSONArray();
        for (int i = 0; i < rows.length(); i++) {
            JSONObject row = rows.getJSONObject(i);
            Object found = Class.forName(row.getString("class"))
                    .getMethod("packageForScheme", String.class).invoke(null, row.getString("scheme"));
            out.put(Recorder.json(found));
        }
        return out;
    }
}
