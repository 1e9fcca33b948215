package dev.jinn.optim;

import dev.jinn.check.Require;

/**
 * Decays each group's learning rate by {@code gamma} every epoch, as PyTorch's {@code ExponentialLR}:
 *
 * <pre>
 * lr(epoch) = base_lr · gamma^epoch
 * </pre>
 */
public final class ExponentialLR extends LRScheduler {
    private final double gamma;

    /**
     * An exponential schedule.
     *
     * @param optimizer the optimizer
     * @param gamma     the decay factor per epoch, finite and &ge; 0
     */
    public ExponentialLR(Optimizer<?> optimizer, double gamma) {
        super("ExponentialLR", optimizer);
        this.gamma = Require.finiteNonNegative(gamma, "ExponentialLR: gamma");
        initialStep();
    }

    @Override
    protected double lrAt(double baseLr, int epoch) {
        return baseLr * Math.pow(gamma, epoch);
    }
}
