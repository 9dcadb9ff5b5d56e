package android.net;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Parsing follows android.net.Uri.StringUri: the scheme is everything before the first ':'. */
public abstract class Uri implements Comparable<Uri> {
    Uri() {
    }

    public abstract String getScheme();

    public abstract String getSchemeSpecificPart();

    @Override
    public abstract String toString();

    public static Uri parse(String uriString) {
        return new StringUri(uriString);
    }

    /** Percent-decodes UTF-8 like the platform: '+' stays, bad escapes become U+FFFD. */
    public static String decode(String s) {
        if (s == null) {
            return null;
        }
        StringBuilder out = new StringBuilder();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '%') {
                int value = i + 2 < s.length() ? hex(s.charAt(i + 1), s.charAt(i + 2)) : -1;
                if (value >= 0) {
                    bytes.write(value);
                    i += 3;
                    continue;
                }
                flush(bytes, out);
                out.append('\ufffd');
                i = Math.min(i + 3, s.length());
                continue;
            }
            flush(bytes, out);
            out.append(c);
            i++;
        }
        flush(bytes, out);
        return out.toString();
    }

    private static int hex(char high, char low) {
        int h = Character.digit(high, 16);
        int l = Character.digit(low, 16);
        return h < 0 || l < 0 ? -1 : h * 16 + l;
    }

    private static void flush(ByteArrayOutputStream bytes, StringBuilder out) {
        if (bytes.size() > 0) {
            out.append(new String(bytes.toByteArray(), StandardCharsets.UTF_8));
            bytes.reset();
        }
    }

    @Override
    public int compareTo(Uri other) {
        return toString().compareTo(other.toString());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Uri && toString().equals(o.toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }

    private static final class StringUri extends Uri {
        private final String uriString;

        StringUri(String uriString) {
            if (uriString == null) {
                throw new NullPointerException("uriString");
            }
            this.uriString = uriString;
        }

        @Override
        public String getScheme() {
            int colon = uriString.indexOf(':');
            return colon == -1 ? null : uriString.substring(0, colon);
        }

        @Override
        public String getSchemeSpecificPart() {
            int colon = uriString.indexOf(':');
            int hash = uriString.indexOf('#', colon + 1);
            return decode(uriString.substring(colon + 1, hash == -1 ? uriString.length() : hash));
        }

        @Override
        public String toString() {
            return uriString;
        }
    }
}
