package android.app;

import android.content.Context;
import android.os.Bundle;

public class Activity extends Context {
    protected void onCreate(Bundle savedInstanceState) {
    }
}
