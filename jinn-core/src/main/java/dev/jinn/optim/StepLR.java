package dev.jinn.optim;

import dev.jinn.check.Require;

/**
 * Decays each group's learning rate by {@code gamma} every {@code stepSize} epochs, as PyTorch's
 * {@code StepLR}:
 *
 * <pre>
 * lr(epoch) = base_lr · gamma^floor(epoch / stepSize)
 * </pre>
 *
 * <p>PyTorch's default {@code gamma} is 0.1.
 */
public final class StepLR extends LRScheduler {
    private final int stepSize;
    private final double gamma;

    /**
     * A step schedule with {@code gamma = 0.1}.
     *
     * @param optimizer the optimizer
     * @param stepSize  epochs between decays, &ge; 1
     */
    public StepLR(Optimizer<?> optimizer, int stepSize) {
        this(optimizer, stepSize, 0.1);
    }

    /**
     * A step schedule.
     *
     * @param optimizer the optimizer
     * @param stepSize  epochs between decays, &ge; 1
     * @param gamma     the decay factor, finite and &ge; 0
     */
    public StepLR(Optimizer<?> optimizer, int stepSize, double gamma) {
        super("StepLR", optimizer);
        Require.atLeast(1, stepSize, "StepLR: stepSize");
        Require.finiteNonNegative(gamma, "StepLR: gamma");
        this.stepSize = stepSize;
        this.gamma = gamma;
        initialStep();
    }

    @Override
    protected double lrAt(double baseLr, int epoch) {
        return baseLr * Math.pow(gamma, epoch / stepSize);
    }
}
