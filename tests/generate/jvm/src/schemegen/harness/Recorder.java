package schemegen.harness;

import android.app.Application;
import android.content.Intent;
import android.net.Uri;
import android.os.Bundle;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import org.json.JSONArray;
import org.json.JSONObject;
import org.robolectric.shadow.api.Shadow;
import org.robolectric.shadows.ShadowApplication;

/** A generated Listener that records its calls, and the activities Android started. */
final class Recorder implements InvocationHandler {
    private final JSONArray calls = new JSONArray();

    /** A proxy implementing the generated `listenerType`, recording into this Recorder. */
    Object listener(Class<?> listenerType) {
        return Proxy.newProxyInstance(listenerType.getClassLoader(), new Class<?>[] {listenerType}, this);
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) {
        switch (method.getName()) {
            case "onPaymentReturn":
                calls.put(new JSONArray().put("return").put(String.valueOf(args[0])));
                return null;
            case "onAppNotInstalled":
                calls.put(new JSONArray().put("not_installed").put(json(args[0])).put(json(args[1])));
                return null;
            case "hashCode":
                return System.identityHashCode(proxy);
            case "equals":
                return proxy == args[0];
            case "toString":
                return "Recorder";
            default:
                throw new AssertionError("unexpected listener call " + method);
        }
    }

    JSONArray calls() {
        return calls;
    }

    /** Every activity started since the last call, in order, as Android received it. */
    static JSONArray started(Application application) {
        ShadowApplication shadow = (ShadowApplication) Shadow.extract(application);
        JSONArray out = new JSONArray();
        for (Intent intent = shadow.getNextStartedActivity(); intent != null;
                intent = shadow.getNextStartedActivity()) {
            out.put(intent(intent));
        }
        return out;
    }

    static JSONObject intent(Intent intent) {
        JSONObject out = new JSONObject();
        try {
            Uri data = intent.getData();
            JSONArray categories = new JSONArray();
            if (intent.getCategories() != null) {
                for (String category : intent.getCategories()) {
                    categories.put(category);
                }
            }
            JSONArray extras = new JSONArray();
            Bundle bundle = intent.getExtras();
            if (bundle != null) {
                for (String key : bundle.keySet()) {
                    extras.put(key);
                }
            }
            out.put("action", json(intent.getAction()));
            out.put("data", data == null ? JSONObject.NULL : data.toString());
            out.put("package", json(intent.getPackage()));
            out.put("component", intent.getComponent() == null ? JSONObject.NULL
                    : intent.getComponent().flattenToString());
            out.put("selector", intent.getSelector() == null ? JSONObject.NULL : intent.getSelector().toUri(0));
            out.put("categories", categories);
            out.put("extras", extras);
            out.put("new_task", (intent.getFlags() & Intent.FLAG_ACTIVITY_NEW_TASK) != 0);
        } catch (org.json.JSONException e) {
            throw new AssertionError(e);
        }
        return out;
    }

    static Object json(Object value) {
        return value == null ? JSONObject.NULL : value.toString();
    }
}
