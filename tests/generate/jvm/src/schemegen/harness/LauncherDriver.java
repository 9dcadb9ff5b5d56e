package schemegen.harness;

import android.content.Context;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import org.json.JSONException;
import org.json.JSONObject;

/**
 * Drives a generated PaymentUrlLauncher (Java or Kotlin, found by package) on one URL: the
 * entry point every WebView glue calls, so the same table runs through it.
 */
public final class LauncherDriver {
    private final Class<?> listenerType;
    private final Constructor<?> constructor;
    private final Method handle;

    public LauncherDriver(String javaPackage, String classPrefix) throws ReflectiveOperationException {
        Class<?> launcher = Class.forName(javaPackage + "." + classPrefix + "PaymentUrlLauncher");
        listenerType = Class.forName(launcher.getName() + "$Listener");
        constructor = launcher.getConstructor(Context.class, listenerType);
        handle = launcher.getMethod("handle", String.class, boolean.class);
    }

    public Class<?> listenerType() {
        return listenerType;
    }

    /** `decision` (LOAD, HANDLED, LOAD_IN_TOP_FRAME) and `url`, or `threw`; plus the listener calls. */
    public JSONObject run(Context context, String url, boolean isMainFrame) throws JSONException {
        Recorder recorder = new Recorder();
        JSONObject out = new JSONObject();
        try {
            Object launcher = constructor.newInstance(context, recorder.listener(listenerType));
            Object decision = handle.invoke(launcher, url, isMainFrame);
            out.put("decision", decision.getClass().getMethod("getKind").invoke(decision).toString());
            out.put("url", Recorder.json(decision.getClass().getMethod("getUrl").invoke(decision)));
        } catch (InvocationTargetException e) {
            out.put("threw", e.getCause().toString());
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
        out.put("listener", recorder.calls());
        return out;
    }
}
