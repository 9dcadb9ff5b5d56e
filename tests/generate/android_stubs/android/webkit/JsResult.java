package android.webkit;

public class JsResult {
    JsResult() {
    }

    public final void cancel() {
    }

    public final void confirm() {
    }
}
