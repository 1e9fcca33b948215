package dev.jinn.autograd;

/** Per-thread switch that decides whether operations record themselves for autograd. */
final class GradMode {
    private static final ThreadLocal<boolean[]> ENABLED = ThreadLocal.withInitial(() -> new boolean[] {true});

    private GradMode() {
    }

    static boolean isEnabled() {
        return ENABLED.get()[0];
    }

    /** Sets the mode and returns the previous one. */
    static boolean set(boolean enabled) {
        boolean[] cell = ENABLED.get();
        boolean previous = cell[0];
        cell[0] = enabled;
        return previous;
    }
}
