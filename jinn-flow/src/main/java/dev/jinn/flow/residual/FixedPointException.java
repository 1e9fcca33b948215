package dev.jinn.flow.residual;

/**
 * A fixed-point inverse did not converge and the solver was configured to fail instead of warning
 * ({@link FixedPointSolver#throwOnFailure(boolean)}); typically the residual branch is not a contraction
 * (call {@code lipschitzCorrection()}, or lower the coefficient).
 */
public final class FixedPointException extends ArithmeticException {
    private static final long serialVersionUID = 1L;

    /** The iterations run. */
    private final int iterations;
    /** The last change. */
    private final double residual;

    /**
     * An error naming what failed.
     *
     * @param message    the description, with the iteration count and residual
     * @param iterations the iterations run
     * @param residual   the largest absolute change in the last iteration
     */
    public FixedPointException(String message, int iterations, double residual) {
        super(message);
        this.iterations = iterations;
        this.residual = residual;
    }

    /**
     * The iterations run.
     *
     * @return the count
     */
    public int iterations() {
        return iterations;
    }

    /**
     * The largest absolute change in the last iteration.
     *
     * @return the residual (NaN or infinite when the iteration diverged)
     */
    public double residual() {
        return residual;
    }
}
