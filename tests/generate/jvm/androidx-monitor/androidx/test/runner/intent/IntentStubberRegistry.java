package androidx.test.runner.intent;

public final class IntentStubberRegistry {
    private IntentStubberRegistry() {
    }

    public static boolean isLoaded() {
        return false;
    }

    public static IntentStubber getInstance() {
        throw new IllegalStateException("no IntentStubber: Espresso-Intents is not on the class path");
    }
}
