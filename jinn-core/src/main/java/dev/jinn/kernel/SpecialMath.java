package dev.jinn.kernel;

/**
 * Scalar special functions that {@link java.lang.Math} lacks, accurate to a few ulps in double precision:
 * the error function, its complement, the logistic sigmoid and friends.
 */
public final class SpecialMath {
    private static final double TWO_OVER_SQRT_PI = 2.0 / Math.sqrt(Math.PI);
    private static final double ONE_OVER_SQRT_PI = 1.0 / Math.sqrt(Math.PI);
    /** Below this |x| the power series of erf is used, above it the continued fraction of erfc. */
    private static final double SERIES_LIMIT = 2.0;

    private SpecialMath() {
    }

    /**
     * The error function {@code erf(x) = 2/√π ∫₀ˣ e^(-t²) dt}.
     *
     * @param x the argument
     * @return erf(x) in [-1, 1]; NaN for NaN
     */
    public static double erf(double x) {
        if (Double.isNaN(x)) {
            return x;
        }
        double ax = Math.abs(x);
        double r = ax < SERIES_LIMIT ? erfSeries(ax) : 1.0 - erfcContinuedFraction(ax);
        return Math.copySign(r, x);
    }

    /**
     * The complementary error function {@code erfc(x) = 1 - erf(x)}, accurate in relative terms for large x.
     *
     * @param x the argument
     * @return erfc(x) in [0, 2]; NaN for NaN
     */
    public static double erfc(double x) {
        if (Double.isNaN(x)) {
            return x;
        }
        if (x < 0) {
            return 2.0 - erfc(-x);
        }
        return x < SERIES_LIMIT ? 1.0 - erfSeries(x) : erfcContinuedFraction(x);
    }

    /**
     * erf for 0 ≤ x &lt; 2 from {@code erf(x) = 2/√π e^(-x²) Σ 2ⁿ x^(2n+1) / (1·3·…·(2n+1))}, whose terms
     * are all positive, so no cancellation occurs.
     */
    private static double erfSeries(double x) {
        double x2 = x * x;
        double term = x;
        double sum = x;
        for (int n = 1; n < 200; n++) {
            term *= 2.0 * x2 / (2 * n + 1);
            sum += term;
            if (term < sum * 1e-17) {
                break;
            }
        }
        return TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
    }

    /**
     * erfc for x ≥ 2 from the continued fraction
     * {@code erfc(x) = e^(-x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …))))}, evaluated with Lentz's method.
     */
    private static double erfcContinuedFraction(double x) {
        if (x > 27) {
            return 0.0;
        }
        final double tiny = 1e-300;
        double f = x;
        double c = x;
        double d = 0;
        for (int n = 1; n < 500; n++) {
            double a = n * 0.5;
            d = x + a * d;
            d = d == 0 ? tiny : d;
            c = x + a / c;
            c = c == 0 ? tiny : c;
            d = 1 / d;
            double delta = c * d;
            f *= delta;
            if (Math.abs(delta - 1) < 1e-16) {
                break;
            }
        }
        return ONE_OVER_SQRT_PI * Math.exp(-x * x) / f;
    }

    /**
     * The logistic sigmoid {@code 1 / (1 + e^-x)}, without overflow for any x.
     *
     * @param x the argument
     * @return a value in [0, 1]
     */
    public static double sigmoid(double x) {
        if (x >= 0) {
            return 1.0 / (1.0 + Math.exp(-x));
        }
        double e = Math.exp(x);
        return e / (1.0 + e);
    }

    /**
     * {@code log(sigmoid(x))}, without overflow or cancellation.
     *
     * @param x the argument
     * @return a value ≤ 0
     */
    public static double logSigmoid(double x) {
        return x < 0 ? x - Math.log1p(Math.exp(x)) : -Math.log1p(Math.exp(-x));
    }

    /**
     * Softplus {@code log(1 + e^(βx)) / β}, the identity where {@code βx > threshold} (as PyTorch).
     *
     * @param x         the argument
     * @param beta      the sharpness
     * @param threshold above which {@code βx} the identity is returned
     * @return the softplus
     */
    public static double softplus(double x, double beta, double threshold) {
        double bx = beta * x;
        return bx > threshold ? x : Math.log1p(Math.exp(bx)) / beta;
    }

    /**
     * The standard normal cumulative distribution {@code Φ(x)}, accurate in relative terms in both tails.
     *
     * @param x the argument
     * @return Φ(x) in [0, 1]
     */
    public static double normalCdf(double x) {
        return 0.5 * erfc(-x / Math.sqrt(2.0));
    }
}
