package android.widget;

import android.content.Context;
import android.view.ViewGroup;

@Deprecated
public class AbsoluteLayout extends ViewGroup {
    public AbsoluteLayout(Context context) {
        super(context);
    }
}
