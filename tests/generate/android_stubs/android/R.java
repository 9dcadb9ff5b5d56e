package android;

public final class R {
    private R() {
    }

    public static final class string {
        public static final int cancel = 0x01040000;
        public static final int ok = 0x0104000a;

        private string() {
        }
    }
}
