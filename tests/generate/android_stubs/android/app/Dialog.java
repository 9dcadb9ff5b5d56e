package android.app;

import android.content.Context;
import android.content.DialogInterface;

public class Dialog implements DialogInterface {
    private final Context context;

    public Dialog(Context context) {
        this.context = context;
    }

    public final Context getContext() {
        return context;
    }

    public void show() {
    }

    @Override
    public void cancel() {
    }

    @Override
    public void dismiss() {
    }

    public void setCancelable(boolean flag) {
    }

    public void setOnCancelListener(DialogInterface.OnCancelListener listener) {
    }
}
