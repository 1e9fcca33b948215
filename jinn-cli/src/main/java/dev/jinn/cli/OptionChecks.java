package dev.jinn.cli;

/**
 * Range checks of numeric option values, made before any file is touched, with messages that name the option as
 * the user typed it (the library's own checks name its builder's fields instead). Failures are usage errors.
 */
final class OptionChecks {
    private OptionChecks() {
    }

    /** Requires {@code value >= min}. */
    static void atLeast(String option, long value, long min) {
        if (value < min) {
            throw new IllegalArgumentException(option + " must be >= " + min + ", got " + value);
        }
    }

    /** Requires a finite {@code value > 0}. */
    static void positive(String option, double value) {
        if (!(value > 0 && value < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException(option + " must be a positive finite number, got " + value);
        }
    }

    /** Requires a finite {@code value >= 0}. */
    static void nonNegative(String option, double value) {
        if (!(value >= 0 && value < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException(option + " must be a finite number >= 0, got " + value);
        }
    }
}
