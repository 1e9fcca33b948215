package dev.jinn.optim;

import dev.jinn.check.Require;

/**
 * Cosine annealing from each group's base learning rate down to {@code etaMin} over {@code tMax} epochs, as
 * PyTorch's {@code CosineAnnealingLR} in its closed form (no restarts):
 *
 * <pre>
 * lr(epoch) = eta_min + (base_lr − eta_min) · (1 + cos(π · epoch / T_max)) / 2
 * </pre>
 *
 * <p>After {@code tMax} epochs the cosine goes on (rising again), as in PyTorch. PyTorch's default
 * {@code etaMin} is 0.
 */
public final class CosineAnnealingLR extends LRScheduler {
    private final int tMax;
    private final double etaMin;

    /**
     * Cosine annealing down to 0.
     *
     * @param optimizer the optimizer
     * @param tMax      the number of epochs of the half period, &ge; 1
     */
    public CosineAnnealingLR(Optimizer<?> optimizer, int tMax) {
        this(optimizer, tMax, 0.0);
    }

    /**
     * Cosine annealing down to {@code etaMin}.
     *
     * @param optimizer the optimizer
     * @param tMax      the number of epochs of the half period, &ge; 1
     * @param etaMin    the smallest learning rate, finite and &ge; 0
     */
    public CosineAnnealingLR(Optimizer<?> optimizer, int tMax, double etaMin) {
        super("CosineAnnealingLR", optimizer);
        Require.atLeast(1, tMax, "CosineAnnealingLR: tMax");
        Require.finiteNonNegative(etaMin, "CosineAnnealingLR: etaMin");
        this.tMax = tMax;
        this.etaMin = etaMin;
        initialStep();
    }

    @Override
    protected double lrAt(double baseLr, int epoch) {
        return etaMin + (baseLr - etaMin) * (1 + Math.cos(Math.PI * epoch / tMax)) / 2;
    }
}
