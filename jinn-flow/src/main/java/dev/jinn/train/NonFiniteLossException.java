package dev.jinn.train;

/**
 * Training produced a NaN or infinite loss or gradient. The message names the step, what was non-finite and,
 * where it could be located, the module or parameter; the run stops before the optimizer applies the step, and
 * the last checkpoint written (if any) is left as it was.
 */
public final class NonFiniteLossException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The 1-based step whose loss or gradient was not finite. */
    private final long step;
    /** Where the non-finite value first appeared, or null. */
    private final String where;

    /**
     * A non-finite value at a step.
     *
     * @param step    the step (1-based) whose loss or gradient was not finite
     * @param where   the module or parameter where it first appeared, or null if unknown
     * @param message the full message
     */
    public NonFiniteLossException(long step, String where, String message) {
        super(message);
        this.step = step;
        this.where = where;
    }

    /**
     * The step whose loss or gradient was not finite.
     *
     * @return the 1-based step number
     */
    public long step() {
        return step;
    }

    /**
     * The module or parameter where the non-finite value first appeared.
     *
     * @return its name, or null when it could not be located
     */
    public String where() {
        return where;
    }
}
