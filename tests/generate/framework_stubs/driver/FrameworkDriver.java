import android.content.Context;
import android.net.Uri;

import com.example.shop.payment.PaymentChannel;
import com.example.shop.payment.PaymentPlugin;
import android.webkit.WebView;

import com.getcapacitor.Bridge;

import io.flutter.embedding.engine.FlutterEngine;
import io.flutter.plugin.common.BinaryMessenger;
import io.flutter.plugin.common.MethodCall;
import io.flutter.plugin.common.MethodChannel;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the generated PaymentChannel and PaymentPlugin on a plain JVM over a URL table.
 *
 * <p>Reads a JSON array of cases ({@code {"id": ..., "url": ...}}, other keys ignored) on stdin
 * and writes one JSON object per case: what {@code openUrl} on the channel registered by
 * {@code PaymentChannel.register} answered for the main frame and for a sub-frame, what
 * {@code PaymentPlugin.shouldOverrideLoad} returned, the URLs the plugin loaded and the calls
 * the recording launcher got. A last line reports the channel name and the answers to
 * {@code openUrl} without arguments and to another method.
 */
public final class FrameworkDriver {
    private FrameworkDriver() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(System.out, true, "UTF-8");
        Object table = new Json(readAll(System.in)).value();
        for (Object item : (List<?>) table) {
            Map<?, ?> c = (Map<?, ?>) item;
            String url = (String) c.get("url");
            out.println("{\"id\": " + json(c.get("id")) + ", \"channel\": " + channel(url, true)
                    + ", \"subframe\": " + channel(url, false) + ", \"plugin\": " + plugin(url) + "}");
        }
        out.println(other());
    }

    private static MethodChannel.MethodCallHandler registered(Context context) {
        FlutterEngine engine = new FlutterEngine(context);
        PaymentChannel.register(engine, context);
        BinaryMessenger.BinaryMessageHandler handler =
                engine.getDartExecutor().stubHandlers.get(PaymentChannel.CHANNEL);
        return ((MethodChannel.StubIncoming) handler).handler;
    }

    private static String channel(String url, boolean mainFrame) throws Exception {
        Map<String, Object> arguments = new LinkedHashMap<>();
        arguments.put("url", url);
        arguments.put("mainFrame", Boolean.valueOf(mainFrame));
        RecordingResult result = new RecordingResult();
        int before = launcherCalls().size();
        registered(new Context() { }).onMethodCall(new MethodCall("openUrl", arguments), result);
        return "{\"result\": " + result.answer + ", \"launcher\": " + list(launcherCalls().subList(before, launcherCalls().size())) + "}";
    }

    private static String plugin(String url) throws Exception {
        final List<String> events = new ArrayList<>();
        Context context = new Context() { };
        WebView webView = new WebView(context) {
            @Override
            public void loadUrl(String loaded) {
                events.add("{\"load\": " + json(loaded) + "}");
            }
        };
        PaymentPlugin plugin = new PaymentPlugin();
        plugin.setBridge(new Bridge(context, webView));
        int before = launcherCalls().size();
        Boolean override = plugin.shouldOverrideLoad(Uri.parse(url));
        return "{\"override\": " + override + ", \"events\": " + list(events)
                + ", \"launcher\": " + list(launcherCalls().subList(before, launcherCalls().size())) + "}";
    }

    private static String other() {
        MethodChannel.MethodCallHandler handler = registered(new Context() { });
        RecordingResult noArgs = new RecordingResult();
        handler.onMethodCall(new MethodCall("openUrl", null), noArgs);
        RecordingResult unknown = new RecordingResult();
        handler.onMethodCall(new MethodCall("getPlatformVersion", null), unknown);
        return "{\"channelName\": " + json(PaymentChannel.CHANNEL) + ", \"noArguments\": " + noArgs.answer
                + ", \"unknownMethod\": " + unknown.answer + "}";
    }

    /** The calls the recording launcher made (its STUB_CALLS field). */
    @SuppressWarnings("unchecked")
    private static List<String> launcherCalls() throws Exception {
        Class<?> launcher = Class.forName("com.example.shop.payment.PaymentUrlLauncher");
        Field calls = launcher.getField("STUB_CALLS");
        List<String> urls = new ArrayList<>();
        for (String url : (List<String>) calls.get(null)) {
            urls.add(json(url));
        }
        return urls;
    }

    private static final class RecordingResult implements MethodChannel.Result {
        String answer = "null";

        @Override
        public void success(Object value) {
            answer = "{\"success\": " + encode(value) + "}";
        }

        @Override
        public void error(String code, String message, Object details) {
            answer = "{\"error\": " + json(code) + "}";
        }

        @Override
        public void notImplemented() {
            answer = "\"notImplemented\"";
        }
    }

    /** Channel answers: null, booleans, strings and maps of them. */
    private static String encode(Object value) {
        if (value instanceof Map) {
            List<String> fields = new ArrayList<>();
            for (Map.Entry<?, ?> e : new java.util.TreeMap<Object, Object>((Map<?, ?>) value).entrySet()) {
                fields.add(json(e.getKey()) + ": " + encode(e.getValue()));
            }
            return "{" + String.join(", ", fields) + "}";
        }
        return value instanceof Boolean || value == null ? String.valueOf(value) : json(value);
    }

    private static String readAll(InputStream in) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
            bytes.write(buffer, 0, n);
        }
        return new String(bytes.toByteArray(), StandardCharsets.UTF_8);
    }

    private static String list(List<String> items) {
        return "[" + String.join(", ", items) + "]";
    }

    static String json(Object value) {
        if (value == null) {
            return "null";
        }
        String s = value.toString();
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == '"' || ch == '\\') {
                b.append('\\').append(ch);
            } else if (ch < 0x20 || ch > 0x7e) {
                b.append(String.format("\\u%04x", (int) ch));
            } else {
                b.append(ch);
            }
        }
        return b.append('"').toString();
    }

    /** Just enough JSON for the URL table: objects, arrays, strings, numbers, literals. */
    private static final class Json {
        private final String s;
        private int i;

        Json(String s) {
            this.s = s;
        }

        Object value() {
            skip();
            char ch = s.charAt(i);
            if (ch == '{') {
                Map<String, Object> map = new LinkedHashMap<>();
                i++;
                skip();
                if (s.charAt(i) == '}') {
                    i++;
                    return map;
                }
                while (true) {
                    skip();
                    String key = (String) value();
                    skip();
                    expect(':');
                    map.put(key, value());
                    skip();
                    if (s.charAt(i++) == '}') {
                        return map;
                    }
                }
            }
            if (ch == '[') {
                List<Object> list = new ArrayList<>();
                i++;
                skip();
                if (s.charAt(i) == ']') {
                    i++;
                    return list;
                }
                while (true) {
                    list.add(value());
                    skip();
                    if (s.charAt(i++) == ']') {
                        return list;
                    }
                }
            }
            if (ch == '"') {
                StringBuilder b = new StringBuilder();
                i++;
                while (s.charAt(i) != '"') {
                    char c = s.charAt(i++);
                    if (c != '\\') {
                        b.append(c);
                        continue;
                    }
                    char e = s.charAt(i++);
                    switch (e) {
                        case 'n': b.append('\n'); break;
                        case 'r': b.append('\r'); break;
                        case 't': b.append('\t'); break;
                        case 'b': b.append('\b'); break;
                        case 'f': b.append('\f'); break;
                        case 'u': b.append((char) Integer.parseInt(s.substring(i, i + 4), 16)); i += 4; break;
                        default: b.append(e);
                    }
                }
                i++;
                return b.toString();
            }
            int start = i;
            while (i < s.length() && ",]} \n\r\t".indexOf(s.charAt(i)) < 0) {
                i++;
            }
            String word = s.substring(start, i);
            return word.equals("null") ? null : word;
        }

        private void expect(char ch) {
            if (s.charAt(i++) != ch) {
                throw new IllegalArgumentException("expected " + ch + " at " + (i - 1));
            }
        }

        private void skip() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }
    }
}
