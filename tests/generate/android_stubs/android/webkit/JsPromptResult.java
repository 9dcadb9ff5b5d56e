package android.webkit;

public class JsPromptResult extends JsResult {
    JsPromptResult() {
    }

    public void confirm(String result) {
    }
}
