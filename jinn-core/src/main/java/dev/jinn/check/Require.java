package dev.jinn.check;

/**
 * Checks of a single setting, each returning the value it accepts so that a setter reads
 * {@code this.steps = Require.atLeast(1, steps, "TrainSettings: steps")}. Every failure is an
 * {@link IllegalArgumentException} whose message starts with the {@code what} the caller names (owner and
 * option) and ends with the rejected value: {@code "<what> must be >= 1, got 0"}.
 */
public final class Require {
    private Require() {
    }

    /**
     * An integer setting with a lower bound.
     *
     * @param min   the least value allowed
     * @param value the value given
     * @param what  owner and option, e.g. {@code "IResNetLayer: jacobian_iterations"}
     * @return {@code value}
     * @throws IllegalArgumentException {@code "<what> must be >= <min>, got <value>"}
     */
    public static int atLeast(int min, int value, String what) {
        if (value < min) {
            throw new IllegalArgumentException(what + " must be >= " + min + ", got " + value);
        }
        return value;
    }

    /**
     * A long setting with a lower bound.
     *
     * @param min   the least value allowed
     * @param value the value given
     * @param what  owner and option
     * @return {@code value}
     * @throws IllegalArgumentException {@code "<what> must be >= <min>, got <value>"}
     */
    public static long atLeast(long min, long value, String what) {
        if (value < min) {
            throw new IllegalArgumentException(what + " must be >= " + min + ", got " + value);
        }
        return value;
    }

    /**
     * A positive integer setting (a size, a count).
     *
     * @param value the value given
     * @param what  owner and option
     * @return {@code value}
     * @throws IllegalArgumentException {@code "<what> must be positive, got <value>"}
     */
    public static int positive(int value, String what) {
        if (value < 1) {
            throw new IllegalArgumentException(what + " must be positive, got " + value);
        }
        return value;
    }

    /**
     * A positive long setting (a bound, a step count).
     *
     * @param value the value given
     * @param what  owner and option
     * @return {@code value}
     * @throws IllegalArgumentException {@code "<what> must be positive, got <value>"}
     */
    public static long positive(long value, String what) {
        if (value < 1) {
            throw new IllegalArgumentException(what + " must be positive, got " + value);
        }
        return value;
    }

    /**
     * A positive, finite real setting (a rate, a bound); NaN is rejected.
     *
     * @param value the value given
     * @param what  owner and option
     * @return {@code value}
     * @throws IllegalArgumentException {@code "<what> must be positive and finite, got <value>"}
     */
    public static double positive(double value, String what) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(what + " must be positive and finite, got " + value);
        }
        return value;
    }

    /**
     * A non-negative real setting (a weight decay, a clipping norm where 0 means off); NaN is rejected.
     *
     * @param value the value given
     * @param what  owner and option
     * @return {@code value}
     * @throws IllegalArgumentException {@code "<what> must be >= 0, got <value>"}
     */
    public static double nonNegative(double value, String what) {
        if (!(value >= 0)) {
            throw new IllegalArgumentException(what + " must be >= 0, got " + value);
        }
        return value;
    }

    /**
     * A real setting in the half-open interval {@code (low, high]}; NaN is rejected.
     *
     * @param low   the exclusive lower end
     * @param high  the inclusive upper end
     * @param value the value given
     * @param what  owner and option
     * @return {@code value}
     * @throws IllegalArgumentException {@code "<what> must be in (<low>, <high>], got <value>"}
     */
    public static double inLeftOpen(double low, double high, double value, String what) {
        if (!(value > low && value <= high)) {
            throw new IllegalArgumentException(what + " must be in (" + number(low) + ", " + number(high) + "], got "
                    + value);
        }
        return value;
    }

    /**
     * A finite real setting (a slope, a clamp); NaN and infinities are rejected.
     *
     * @param value the value given
     * @param what  owner and option
     * @return {@code value}
     * @throws IllegalArgumentException {@code "<what> must be finite, got <value>"}
     */
    public static double finite(double value, String what) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(what + " must be finite, got " + value);
        }
        return value;
    }

    /**
     * A finite, non-negative real setting (a decay factor, an epsilon); NaN and infinities are rejected.
     *
     * @param value the value given
     * @param what  owner and option
     * @return {@code value}
     * @throws IllegalArgumentException {@code "<what> must be finite and >= 0, got <value>"}
     */
    public static double finiteNonNegative(double value, String what) {
        if (!(value >= 0 && value <= Double.MAX_VALUE)) {
            throw new IllegalArgumentException(what + " must be finite and >= 0, got " + value);
        }
        return value;
    }

    /**
     * An odd, positive kernel size (one that "same" padding keeps the size for).
     *
     * @param k    the value given
     * @param what owner and option
     * @return {@code k}
     * @throws IllegalArgumentException {@code "<what> must be odd and positive, got <k>"}
     */
    public static int oddPositive(int k, String what) {
        if (k < 1 || k % 2 == 0) {
            throw new IllegalArgumentException(what + " must be odd and positive, got " + k);
        }
        return k;
    }

    /**
     * A setting that must be given (an enum, a factory, a solver).
     *
     * @param <T>   its type
     * @param value the value given
     * @param what  owner and option
     * @return {@code value}
     * @throws IllegalArgumentException {@code "<what> must not be null"}
     */
    public static <T> T nonNull(T value, String what) {
        if (value == null) {
            throw new IllegalArgumentException(what + " must not be null");
        }
        return value;
    }

    /** 1.0 printed as 1, as people write interval ends. */
    private static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
