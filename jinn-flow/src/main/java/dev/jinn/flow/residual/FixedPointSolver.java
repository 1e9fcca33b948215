package dev.jinn.flow.residual;

import dev.jinn.check.Require;
import dev.jinn.autograd.Grad;
import dev.jinn.tensor.DType;
import dev.jinn.tensor.Tensor;
import java.util.Locale;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Inverts {@code y = x + g(x)} for a contraction {@code g} by the fixed-point iteration
 * {@code x_{k+1} = y − g(x_k)} from {@code x_0 = y}, which converges geometrically at the rate {@code Lip(g)}
 * (Banach). The whole batch is iterated until every element's change is at most {@code atol + rtol·|x|}, or until
 * the iteration cap; the iterations run without autograd.
 *
 * <p>When the cap is reached (or a value becomes NaN/infinite), the solver logs a warning through SLF4J and
 * returns the last iterate with {@code converged = false}; with {@link #throwOnFailure(boolean)} it throws a
 * {@link FixedPointException} instead. Default tolerances depend on the dtype: {@code 1e-13} (absolute and
 * relative) for float64, {@code 1e-6} for float32. Immutable: the setters return modified copies.
 *
 * @param atol           the absolute tolerance, or NaN for the dtype's default ({@link #atol(DType)} resolves it)
 * @param rtol           the relative tolerance, or NaN for the dtype's default
 * @param maxIterations  the iteration cap
 * @param throwOnFailure whether a failure throws a {@link FixedPointException} instead of warning
 */
public record FixedPointSolver(double atol, double rtol, int maxIterations, boolean throwOnFailure) {
    private static final Logger LOG = LoggerFactory.getLogger(FixedPointSolver.class);

    /**
     * A solver with these settings (see {@link #defaults()} and the copies it makes).
     *
     * @param atol           the absolute tolerance, at least 0, or NaN for the dtype's default
     * @param rtol           the relative tolerance, at least 0, or NaN for the dtype's default
     * @param maxIterations  the iteration cap, at least 1
     * @param throwOnFailure whether a failure throws instead of warning
     */
    public FixedPointSolver {
        if (!(Double.isNaN(atol) && Double.isNaN(rtol)) && !(atol >= 0 && rtol >= 0)) {
            throw new IllegalArgumentException("FixedPointSolver: tolerances must be >= 0, got atol=" + atol
                    + ", rtol=" + rtol);
        }
        Require.atLeast(1, maxIterations, "FixedPointSolver: maxIterations");
    }

    /**
     * The default solver: dtype-dependent tolerances, at most 500 iterations, a warning on failure.
     *
     * @return the solver
     */
    public static FixedPointSolver defaults() {
        return new FixedPointSolver(Double.NaN, Double.NaN, 500, false);
    }

    /**
     * The same solver with fixed tolerances (for every dtype).
     *
     * @param absolute the absolute tolerance, at least 0
     * @param relative the relative tolerance, at least 0
     * @return the new solver
     */
    public FixedPointSolver tolerances(double absolute, double relative) {
        if (Double.isNaN(absolute) || Double.isNaN(relative)) {
            throw new IllegalArgumentException("FixedPointSolver: tolerances must be >= 0, got atol=" + absolute
                    + ", rtol=" + relative);
        }
        return new FixedPointSolver(absolute, relative, maxIterations, throwOnFailure);
    }

    /**
     * The same solver with another iteration cap.
     *
     * @param n at least 1
     * @return the new solver
     */
    public FixedPointSolver maxIterations(int n) {
        return new FixedPointSolver(atol, rtol, n, throwOnFailure);
    }

    /**
     * The same solver, throwing a {@link FixedPointException} instead of warning when it does not converge.
     *
     * @param enabled throw on failure
     * @return the new solver
     */
    public FixedPointSolver throwOnFailure(boolean enabled) {
        return new FixedPointSolver(atol, rtol, maxIterations, enabled);
    }


    /**
     * The absolute tolerance used for a dtype.
     *
     * @param dtype FLOAT32 or FLOAT64
     * @return atol
     */
    public double atol(DType dtype) {
        return Double.isNaN(atol) ? defaultTolerance(dtype) : atol;
    }

    /**
     * The relative tolerance used for a dtype.
     *
     * @param dtype FLOAT32 or FLOAT64
     * @return rtol
     */
    public double rtol(DType dtype) {
        return Double.isNaN(rtol) ? defaultTolerance(dtype) : rtol;
    }

    private static double defaultTolerance(DType dtype) {
        return dtype == DType.FLOAT64 ? 1e-13 : 1e-6;
    }

    /**
     * Solves {@code x + g(x) = y}.
     *
     * @param g   the residual branch, bound to fixed weights
     * @param y   the target, any shape {@code g} accepts
     * @param who names the module in messages
     * @return the last iterate with the iteration count, the last change and whether it converged
     * @throws FixedPointException when it did not converge and the solver is configured to throw
     */
    public FixedPointResult solve(UnaryOperator<Tensor> g, Tensor y, String who) {
        double at = atol(y.dtype());
        double rt = rtol(y.dtype());
        try (var s = Grad.disabled()) {
            Tensor target = y.detach();
            Tensor x = target;
            double change = Double.POSITIVE_INFINITY;
            for (int k = 1; k <= maxIterations; k++) {
                Tensor next = target.sub(g.apply(x));
                double[] now = next.toDoubleArray();
                double[] before = x.toDoubleArray();
                boolean within = true;
                boolean finite = true;
                change = 0;
                for (int i = 0; i < now.length; i++) {
                    double d = Math.abs(now[i] - before[i]);
                    if (!Double.isFinite(now[i])) {
                        finite = false;
                    }
                    within &= d <= at + rt * Math.abs(now[i]);
                    change = Math.max(change, d);
                }
                x = next;
                if (!finite) {
                    return fail(who, x, k, Double.NaN, "a value became NaN or infinite");
                }
                if (within) {
                    return new FixedPointResult(x, k, change, true);
                }
            }
            return fail(who, x, maxIterations, change, "the iteration cap was reached");
        }
    }

    private FixedPointResult fail(String who, Tensor x, int iterations, double change, String why) {
        String message = String.format(Locale.ROOT, "%s: the fixed-point inverse did not converge (%s): %d iterations, "
                + "last change %.3g; is the residual branch a contraction (lipschitzCorrection(), a smaller "
                + "coefficient)?", who, why, iterations, change);
        if (throwOnFailure) {
            throw new FixedPointException(message, iterations, change);
        }
        LOG.warn(message);
        return new FixedPointResult(x, iterations, change, false);
    }

    @Override
    public String toString() {
        return "FixedPointSolver(atol=" + (Double.isNaN(atol) ? "auto" : atol) + ", rtol="
                + (Double.isNaN(rtol) ? "auto" : rtol) + ", maxIterations=" + maxIterations + ", throwOnFailure="
                + throwOnFailure + ")";
    }
}
