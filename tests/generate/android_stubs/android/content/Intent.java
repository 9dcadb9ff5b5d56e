package android.content;

import android.net.Uri;

import java.net.URISyntaxException;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/** Field handling and {@link #parseUri} follow the platform (intent: scheme, #Intent;...;end). */
public class Intent implements Cloneable {
    public static final String ACTION_MAIN = "android.intent.action.MAIN";
    public static final String ACTION_VIEW = "android.intent.action.VIEW";
    public static final String CATEGORY_BROWSABLE = "android.intent.category.BROWSABLE";
    public static final String CATEGORY_DEFAULT = "android.intent.category.DEFAULT";
    public static final int FLAG_ACTIVITY_NEW_TASK = 0x10000000;
    public static final int URI_INTENT_SCHEME = 1 << 0;
    public static final int URI_ANDROID_APP_SCHEME = 1 << 1;
    public static final int URI_ALLOW_UNSAFE = 1 << 2;

    private String action;
    private Uri data;
    private String type;
    private String packageName;
    private ComponentName component;
    private int flags;
    private Set<String> categories;
    private Intent selector;
    private final Map<String, Object> extras = new LinkedHashMap<>();

    public Intent() {
    }

    public Intent(String action) {
        this.action = action;
    }

    public Intent(String action, Uri uri) {
        this.action = action;
        this.data = uri;
    }

    public Intent(Intent o) {
        action = o.action;
        data = o.data;
        type = o.type;
        packageName = o.packageName;
        component = o.component;
        flags = o.flags;
        categories = o.categories == null ? null : new LinkedHashSet<>(o.categories);
        selector = o.selector == null ? null : new Intent(o.selector);
        extras.putAll(o.extras);
    }

    @Override
    public Object clone() {
        return new Intent(this);
    }

    public static Intent parseUri(String uri, int flags) throws URISyntaxException {
        int i = 0;
        try {
            if ((flags & (URI_INTENT_SCHEME | URI_ANDROID_APP_SCHEME)) != 0 && !uri.startsWith("intent:")) {
                Intent intent = new Intent(ACTION_VIEW);
                intent.setData(Uri.parse(uri));
                return intent;
            }
            i = uri.lastIndexOf('#');
            if (i == -1) {
                return new Intent(ACTION_VIEW, Uri.parse(uri));
            }
            if (!uri.startsWith("#Intent;", i)) {
                throw new URISyntaxException(uri, "old-format intent URIs are not stubbed");
            }
            Intent intent = new Intent(ACTION_VIEW);
            Intent base = intent;
            boolean inSelector = false;
            String scheme = null;
            String data = uri.substring(0, i);
            i += "#Intent;".length();
            while (!uri.startsWith("end", i)) {
                int eq = uri.indexOf('=', i);
                if (eq < 0) {
                    eq = i - 1;
                }
                int semi = uri.indexOf(';', i);
                if (semi < 0) {
                    // The CVE-2024-40675 fix: an unterminated item used to loop forever.
                    throw new URISyntaxException(uri, "uri end not found");
                }
                String value = eq < semi ? Uri.decode(uri.substring(eq + 1, semi)) : "";
                if (uri.startsWith("action=", i)) {
                    intent.setAction(value);
                } else if (uri.startsWith("category=", i)) {
                    intent.addCategory(value);
                } else if (uri.startsWith("type=", i)) {
                    intent.type = value;
                } else if (uri.startsWith("launchFlags=", i)) {
                    intent.flags = Integer.decode(value);
                } else if (uri.startsWith("package=", i)) {
                    intent.setPackage(value);
                } else if (uri.startsWith("component=", i)) {
                    intent.setComponent(ComponentName.unflattenFromString(value));
                } else if (uri.startsWith("scheme=", i)) {
                    if (inSelector) {
                        intent.setData(Uri.parse(value + ":"));
                    } else {
                        scheme = value;
                    }
                } else if (semi == i + 3 && uri.startsWith("SEL", i)) {
                    intent = new Intent();
                    inSelector = true;
                } else {
                    String key = Uri.decode(uri.substring(i + 2, eq));
                    if (uri.startsWith("S.", i)) {
                        intent.putExtra(key, value);
                    } else if (uri.startsWith("B.", i)) {
                        intent.putExtra(key, Boolean.parseBoolean(value));
                    } else if (uri.startsWith("i.", i)) {
                        intent.putExtra(key, Integer.parseInt(value));
                    } else if (uri.startsWith("l.", i)) {
                        intent.putExtra(key, Long.parseLong(value));
                    } else {
                        throw new URISyntaxException(uri, "unknown EXTRA type", i);
                    }
                }
                i = semi + 1;
            }
            if (inSelector) {
                if (base.packageName == null) {
                    base.setSelector(intent);
                }
                intent = base;
            }
            if (data.startsWith("intent:")) {
                data = data.substring("intent:".length());
                if (scheme != null) {
                    data = scheme + ':' + data;
                }
            }
            if (!data.isEmpty()) {
                intent.setData(Uri.parse(data));
            }
            return intent;
        } catch (IndexOutOfBoundsException e) {
            throw new URISyntaxException(uri, "illegal Intent URI format", i);
        }
    }

    public String getAction() {
        return action;
    }

    public Intent setAction(String action) {
        this.action = action;
        return this;
    }

    public Uri getData() {
        return data;
    }

    public String getDataString() {
        return data == null ? null : data.toString();
    }

    public String getScheme() {
        return data == null ? null : data.getScheme();
    }

    public Intent setData(Uri data) {
        this.data = data;
        this.type = null;
        return this;
    }

    public String getType() {
        return type;
    }

    public String getPackage() {
        return packageName;
    }

    public Intent setPackage(String packageName) {
        if (packageName != null && selector != null) {
            throw new IllegalArgumentException("Can't set package name when selector is already set");
        }
        this.packageName = packageName;
        return this;
    }

    public ComponentName getComponent() {
        return component;
    }

    public Intent setComponent(ComponentName component) {
        this.component = component;
        return this;
    }

    public Intent getSelector() {
        return selector;
    }

    public void setSelector(Intent selector) {
        if (selector == this) {
            throw new IllegalArgumentException("Intent being set as a selector of itself");
        }
        if (selector != null && packageName != null) {
            throw new IllegalArgumentException("Can't set selector when package name is already set");
        }
        this.selector = selector;
    }

    public int getFlags() {
        return flags;
    }

    public Intent setFlags(int flags) {
        this.flags = flags;
        return this;
    }

    public Intent addFlags(int flags) {
        this.flags |= flags;
        return this;
    }

    public Set<String> getCategories() {
        return categories;
    }

    public boolean hasCategory(String category) {
        return categories != null && categories.contains(category);
    }

    public Intent addCategory(String category) {
        if (categories == null) {
            categories = new LinkedHashSet<>();
        }
        categories.add(category.intern());
        return this;
    }

    public void removeCategory(String category) {
        if (categories != null) {
            categories.remove(category);
            if (categories.isEmpty()) {
                categories = null;
            }
        }
    }

    public boolean hasExtra(String name) {
        return extras.containsKey(name);
    }

    public String getStringExtra(String name) {
        Object value = extras.get(name);
        return value instanceof String ? (String) value : null;
    }

    public Intent putExtra(String name, String value) {
        extras.put(name, value);
        return this;
    }

    public Intent putExtra(String name, boolean value) {
        extras.put(name, value);
        return this;
    }

    public Intent putExtra(String name, int value) {
        extras.put(name, value);
        return this;
    }

    public Intent putExtra(String name, long value) {
        extras.put(name, value);
        return this;
    }

    public void removeExtra(String name) {
        extras.remove(name);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("Intent {");
        if (action != null) {
            b.append(" act=").append(action);
        }
        if (categories != null) {
            b.append(" cat=").append(categories);
        }
        if (data != null) {
            b.append(" dat=").append(data);
        }
        if (packageName != null) {
            b.append(" pkg=").append(packageName);
        }
        if (component != null) {
            b.append(" cmp=").append(component.flattenToString());
        }
        if (selector != null) {
            b.append(" sel=").append(selector);
        }
        return b.append(" }").toString();
    }
}
