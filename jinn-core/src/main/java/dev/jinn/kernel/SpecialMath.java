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
    /**
     * From this x on erfc comes from its continued fraction: below it {@code 1 - erf(x)} loses no more than
     * three bits to cancellation, while above it (up to {@link #SERIES_LIMIT}) it would lose up to six.
     */
    private static final double ERFC_FRACTION_LIMIT = 1.0;

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
        return x < ERFC_FRACTION_LIMIT ? 1.0 - erfSeries(x) : erfcContinuedFraction(x);
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
     * erfc for x ≥ 1 from the continued fraction
     * {@code erfc(x) = e^(-x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …))))}, evaluated from the bottom up,
     * which is numerically stable, with enough terms for double precision: about 200/x², measured against
     * reference values over [1, 27]. {@code e^(-x²)} is corrected for the rounding of x², which would
     * otherwise cost a relative error of x² ulps in the far tail.
     */
    private static double erfcContinuedFraction(double x) {
        if (x > 27) {
            return 0.0;
        }
        int terms = (int) Math.ceil(200 / (x * x)) + 8;
        double t = x;
        for (int n = terms; n >= 1; n--) {
            t = x + (n * 0.5) / t;
        }
        double x2 = x * x;
        double x2Error = Math.fma(x, x, -x2);
        return ONE_OVER_SQRT_PI * Math.exp(-x2) * (1 - x2Error) / t;
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
     * {@code x} to the power {@code y} with C99's (and so PyTorch's) special cases where they differ from
     * {@link Math#pow}: {@code pow(1, y) = 1} for every y, NaN included, and {@code pow(-1, ±∞) = 1}.
     *
     * @param x the base
     * @param y the exponent
     * @return x<sup>y</sup>
     */
    public static double pow(double x, double y) {
        if (x == 1.0 || (x == -1.0 && Double.isInfinite(y))) {
            return 1.0;
        }
        return Math.pow(x, y);
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
