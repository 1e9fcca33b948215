package dev.jinn.cli;

/**
 * The real-valued option checks worded for the command line ("a positive finite number"), made before any file is
 * touched; lower bounds of whole numbers use {@link dev.jinn.check.Require#atLeast} with the option's name. Failures
 * are usage errors.
 */
final class OptionChecks {
    private OptionChecks() {
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
