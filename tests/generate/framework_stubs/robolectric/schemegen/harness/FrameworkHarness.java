package schemegen.harness;

import android.app.Activity;
import android.app.Application;
import android.content.Context;
import android.content.MutableContextWrapper;
import android.net.Uri;
import android.webkit.WebView;
import android.widget.FrameLayout;
import com.getcapacitor.Bridge;
import com.getcapacitor.Plugin;
import io.flutter.embedding.engine.FlutterEngine;
import io.flutter.plugin.common.MethodCall;
import io.flutter.plugin.common.MethodChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.json.JSONArray;
import org.json.JSONObject;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.robolectric.Robolectric;
import org.robolectric.RobolectricTestRunner;
import org.robolectric.RuntimeEnvironment;
import org.robolectric.annotation.Config;
import org.robolectric.annotation.LooperMode;

/**
 * Runs the generated Flutter PaymentChannel and Capacitor PaymentPlugin on Robolectric's
 * Android framework over the URL table, per device scenario, next to the generated
 * PaymentUrlLauncher called directly: the glue must start the same activities and report the
 * launcher's decision. Reads -Dschemegen.input (JSON: apps, cases, clients), writes one JSON
 * file per scenario into -Dschemegen.output.
 */
@RunWith(RobolectricTestRunner.class)
@Config(sdk = OneSdkProvider.API_LEVEL, manifest = Config.NONE)
@LooperMode(LooperMode.Mode.PAUSED)
public final class FrameworkHarness {

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

    private static void scenario(String name) throws Exception {
        JSONObject in = new JSONObject(new String(
                Files.readAllBytes(Paths.get(System.getProperty("schemegen.input"))), StandardCharsets.UTF_8));
        Application application = RuntimeEnvironment.getApplication();
        new Device(application).install(name, in.getJSONArray("apps"));
        boolean mainFrame = !name.equals("subframe");
        Activity activity = Robolectric.buildActivity(Activity.class).setup().get();
        FrameLayout layout = new FrameLayout(activity);
        activity.setContentView(layout);
        Context context = name.equals("non_activity") ? new MutableContextWrapper(application) : activity;
        JSONArray results = new JSONArray();
        JSONArray clients = in.getJSONArray("clients");
        JSONArray cases = in.getJSONArray("cases");
        for (int c = 0; c < clients.length(); c++) {
            String pkg = clients.getJSONObject(c).getString("package");
            LauncherDriver launcher = new LauncherDriver(pkg, "");
            for (int i = 0; i < cases.length(); i++) {
                String url = cases.getJSONObject(i).getString("url");
                JSONObject row = new JSONObject();
                row.put("lang", clients.getJSONObject(c).getString("lang"));
                row.put("case", cases.getJSONObject(i).getString("id"));
                row.put("scenario", name);
                JSONObject direct = launcher.run(context, url, mainFrame);
                direct.put("started", Recorder.started(application));
                row.put("launcher", direct);
                row.put("channel", channel(pkg, context, url, mainFrame, application));
                if (mainFrame) {
                    JSONObject top = launcher.run(context, url, true);
                    top.put("started", Recorder.started(application));
                    row.put("launcher_top", top);
                    row.put("plugin", plugin(pkg, context, url, application));
                }
                results.put(row);
            }
        }
        Path out = Paths.get(System.getProperty("schemegen.output"), name + ".json");
        Files.write(out, results.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static JSONObject channel(String pkg, Context context, String url, boolean mainFrame,
            Application application) throws Exception {
        FlutterEngine engine = new FlutterEngine(context);
        Class.forName(pkg + ".PaymentChannel")
                .getMethod("register", FlutterEngine.class, Context.class)
                .invoke(null, engine, context);
        String channel = (String) Class.forName(pkg + ".PaymentChannel").getField("CHANNEL").get(null);
        MethodChannel.StubIncoming incoming =
                (MethodChannel.StubIncoming) engine.getDartExecutor().stubHandlers.get(channel);
        Map<String, Object> arguments = new HashMap<>();
        arguments.put("url", url);
        arguments.put("mainFrame", mainFrame);
        final JSONObject out = new JSONObject();
        incoming.handler.onMethodCall(new MethodCall("openUrl", arguments), new MethodChannel.Result() {
            @Override
            public void success(Object result) {
                try {
                    out.put("answer", new JSONObject(new TreeMap<Object, Object>((Map<?, ?>) result)));
                } catch (org.json.JSONException e) {
                    throw new AssertionError(e);
                }
            }

            @Override
            public void error(String code, String message, Object details) {
                throw new AssertionError("error " + code);
            }

            @Override
            public void notImplemented() {
                throw new AssertionError("notImplemented");
            }
        });
        out.put("started", Recorder.started(application));
        return out;
    }

    private static JSONObject plugin(String pkg, Context context, String url, Application application)
            throws Exception {
        final JSONArray loads = new JSONArray();
        WebView webView = new WebView(context) {
            @Override
            public void loadUrl(String loaded) {
                loads.put(loaded);
            }
        };
        Plugin plugin = (Plugin) Class.forName(pkg + ".PaymentPlugin").getConstructor().newInstance();
        plugin.setBridge(new Bridge(context, webView));
        Boolean override = plugin.shouldOverrideLoad(Uri.parse(url));
        JSONObject out = new JSONObject();
        out.put("override", override == null ? JSONObject.NULL : override);
        out.put("loads", loads);
        out.put("started", Recorder.started(application));
        return out;
    }
}
