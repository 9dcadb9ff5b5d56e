package android.net;

/** Parsing follows android.net.Uri.StringUri: the scheme is everything before the first ':'. */
public abstract class Uri {
    Uri() {
    }

    public abstract String getScheme();

    @Override
    public abstract String toString();

    public static Uri parse(final String uriString) {
        return new Uri() {
            @Override
            public String getScheme() {
                int colon = uriString.indexOf(':');
                return colon < 0 ? null : uriString.substring(0, colon);
            }

            @Override
            public String toString() {
                return uriString;
            }
        };
    }
}
