package schemegen.harness;

import java.util.Collections;
import java.util.TreeMap;
import javax.annotation.Priority;
import javax.inject.Inject;
import org.robolectric.internal.dependency.DependencyResolver;
import org.robolectric.pluginapi.Sdk;
import org.robolectric.plugins.DefaultSdkProvider;

/**
 * Robolectric's SDK list cut to the one API level the harness downloads, so no other
 * android-all jar is looked for (Robolectric also loads its newest SDK for resources).
 */
@Priority(1)
public final class OneSdkProvider extends DefaultSdkProvider {
    public static final int API_LEVEL = 29;

    @Inject
    public OneSdkProvider(DependencyResolver resolver) {
        super(resolver);
    }

    @Override
    protected void populateSdks(TreeMap<Integer, Sdk> knownSdks) {
        super.populateSdks(knownSdks);
        knownSdks.keySet().retainAll(Collections.singleton(API_LEVEL));
    }
}
