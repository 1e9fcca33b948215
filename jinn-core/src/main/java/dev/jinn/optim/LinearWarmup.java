package dev.jinn.optim;

import dev.jinn.check.Require;

/**
 * Scales each group's learning rate by a factor that moves linearly from {@code startFactor} to
 * {@code endFactor} over {@code totalIters} epochs and then stays, as PyTorch's {@code LinearLR}:
 *
 * <pre>
 * lr(epoch) = base_lr · (start_factor + (end_factor − start_factor) · min(epoch, total_iters) / total_iters)
 * </pre>
 *
 * <p>PyTorch's defaults are {@code startFactor = 1/3}, {@code endFactor = 1}, {@code totalIters = 5}. Chain it
 * with a decay through {@link SequentialLR}.
 */
public final class LinearWarmup extends LRScheduler {
    private final double startFactor;
    private final double endFactor;
    private final int totalIters;

    /**
     * A warm-up from a third of the base learning rate to all of it over {@code totalIters} epochs.
     *
     * @param optimizer  the optimizer
     * @param totalIters the length of the ramp, &ge; 1
     */
    public LinearWarmup(Optimizer<?> optimizer, int totalIters) {
        this(optimizer, 1.0 / 3, 1.0, totalIters);
    }

    /**
     * A linear ramp of the learning-rate factor.
     *
     * @param optimizer   the optimizer
     * @param startFactor the factor at epoch 0, in (0, 1]
     * @param endFactor   the factor from epoch {@code totalIters} on, in [0, 1]
     * @param totalIters  the length of the ramp, &ge; 1
     */
    public LinearWarmup(Optimizer<?> optimizer, double startFactor, double endFactor, int totalIters) {
        super("LinearWarmup", optimizer);
        if (!(startFactor > 0 && startFactor <= 1)) {
            throw new IllegalArgumentException("LinearWarmup: startFactor must be in (0, 1], got " + startFactor);
        }
        if (!(endFactor >= 0 && endFactor <= 1)) {
            throw new IllegalArgumentException("LinearWarmup: endFactor must be in [0, 1], got " + endFactor);
        }
        Require.atLeast(1, totalIters, "LinearWarmup: totalIters");
        this.startFactor = startFactor;
        this.endFactor = endFactor;
        this.totalIters = totalIters;
        initialStep();
    }

    @Override
    protected double lrAt(double baseLr, int epoch) {
        return baseLr * (startFactor + (endFactor - startFactor) * Math.min(totalIters, epoch) / totalIters);
    }
}
