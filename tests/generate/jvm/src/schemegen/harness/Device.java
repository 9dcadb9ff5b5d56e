package schemegen.harness;

import android.app.Application;
import android.content.ComponentName;
import android.content.Intent;
import android.content.IntentFilter;
import android.content.pm.ActivityInfo;
import android.content.pm.PackageManager;
import java.util.ArrayList;
import java.util.List;
import org.json.JSONArray;
import org.json.JSONException;
import org.json.JSONObject;
import org.robolectric.shadow.api.Shadow;
import org.robolectric.shadows.ShadowApplication;
import org.robolectric.shadows.ShadowPackageManager;

/** Installs the apps of a device scenario in Robolectric's package manager. */
final class Device {
    static final String STORE = "com.android.vending";
    static final String BROWSER = "com.android.chrome";
    static final String DIALER = "com.android.dialer";

    private final Application application;
    private final ShadowPackageManager packages;

    Device(Application application) {
        this.application = application;
        this.packages = (ShadowPackageManager) Shadow.extract(application.getPackageManager());
        // Unresolvable intents throw ActivityNotFoundException, as on a device.
        ((ShadowApplication) Shadow.extract(application)).checkActivities(true);
    }

    /** The apps of `scenario` (see tests/url_cases.yaml) from the table's `apps` list. */
    void install(String scenario, JSONArray apps) throws JSONException, PackageManager.NameNotFoundException {
        boolean withApps = !scenario.equals("missing") && !scenario.equals("no_store");
        if (!scenario.equals("no_store")) {
            IntentFilter market = browsable("market");
            market.addDataAuthority("details", null);
            IntentFilter play = browsable("https");
            play.addDataAuthority("play.google.com", null);
            play.addDataPath("/store/apps", android.os.PatternMatcher.PATTERN_PREFIX);
            activity(STORE, market, play);
            activity(BROWSER, browsable("http"), browsable("https"));
        }
        activity(DIALER, browsable("tel"));
        if (!withApps) {
            return;
        }
        for (int i = 0; i < apps.length(); i++) {
            JSONObject app = apps.getJSONObject(i);
            String name = app.getString("package");
            JSONArray schemes = app.getJSONArray("schemes");
            List<IntentFilter> filters = new ArrayList<>();
            for (int j = 0; j < schemes.length(); j++) {
                IntentFilter filter = app.getBoolean("browsable")
                        ? browsable(schemes.getString(j)) : view(schemes.getString(j));
                filters.add(filter);
            }
            String activity = app.optString("activity", name + ".MainActivity");
            activity(new ComponentName(name, activity), filters.toArray(new IntentFilter[0]));
        }
    }

    private void activity(String packageName, IntentFilter... filters) throws PackageManager.NameNotFoundException {
        activity(new ComponentName(packageName, packageName + ".MainActivity"), filters);
    }

    private void activity(ComponentName component, IntentFilter... filters) throws PackageManager.NameNotFoundException {
        ActivityInfo info = packages.addActivityIfNotPresent(component);
        info.exported = true;
        for (IntentFilter filter : filters) {
            packages.addIntentFilterForActivity(component, filter);
        }
    }

    private static IntentFilter view(String scheme) {
        IntentFilter filter = new IntentFilter(Intent.ACTION_VIEW);
        filter.addCategory(Intent.CATEGORY_DEFAULT);
        filter.addDataScheme(scheme);
        return filter;
    }

    private static IntentFilter browsable(String scheme) {
        IntentFilter filter = view(scheme);
        filter.addCategory(Intent.CATEGORY_BROWSABLE);
        return filter;
    }
}
