package android.content;

public final class ComponentName {
    private final String packageName;
    private final String className;

    public ComponentName(String pkg, String cls) {
        if (pkg == null || cls == null) {
            throw new NullPointerException("package name and class name are required");
        }
        this.packageName = pkg;
        this.className = cls;
    }

    public String getPackageName() {
        return packageName;
    }

    public String getClassName() {
        return className;
    }

    public String flattenToString() {
        return packageName + "/" + className;
    }

    public static ComponentName unflattenFromString(String str) {
        int slash = str.indexOf('/');
        if (slash < 0 || slash + 1 >= str.length()) {
            return null;
        }
        String pkg = str.substring(0, slash);
        String cls = str.substring(slash + 1);
        if (cls.charAt(0) == '.') {
            cls = pkg + cls;
        }
        return new ComponentName(pkg, cls);
    }

    @Override
    public String toString() {
        return "ComponentInfo{" + packageName + "/" + className + "}";
    }
}
