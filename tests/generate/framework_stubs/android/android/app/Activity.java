package android.app;

import android.content.Context;
import android.content.Intent;
import android.os.Bundle;

public class Activity extends Context {
    protected void onCreate(Bundle savedInstanceState) {
    }

    @Override
    public void startActivity(Intent intent) {
        throw new UnsupportedOperationException("stub");
    }
}
