package dev.jinn.optim;

import java.util.ArrayList;
import java.util.List;

/**
 * Runs schedules one after another, switching at given epochs, as PyTorch's {@code SequentialLR}: with
 * milestones {@code m_1 < m_2 < …}, schedule {@code k} is used for epochs {@code m_k ≤ epoch < m_{k+1}} and
 * evaluated at its own epoch {@code epoch − m_k} (restarting from 0 at its milestone):
 *
 * <pre>{@code
 * var warm = new LinearWarmup(opt, 0.01, 1.0, 100);
 * var cos  = new CosineAnnealingLR(opt, 900);
 * var lr   = new SequentialLR(opt, List.of(warm, cos), new int[] {100});
 * }</pre>
 *
 * <p>The schedules must be built on the same optimizer (they share its base learning rates); only this
 * schedule is stepped, so their counters stay at 0 and the base learning rates
 * are this schedule's.
 */
public final class SequentialLR extends LRScheduler {
    private final List<LRScheduler> schedulers;
    private final int[] milestones;

    /**
     * Chains schedules.
     *
     * @param optimizer  the optimizer all schedules drive
     * @param schedulers the schedules, at least one
     * @param milestones the epochs at which to switch to the next one, strictly increasing and &ge; 1; one fewer
     *                   than the schedules
     */
    public SequentialLR(Optimizer<?> optimizer, List<LRScheduler> schedulers, int[] milestones) {
        super("SequentialLR", optimizer);
        if (schedulers == null || schedulers.isEmpty()) {
            throw new IllegalArgumentException("SequentialLR: needs at least one schedule");
        }
        if (milestones == null || milestones.length != schedulers.size() - 1) {
            throw new IllegalArgumentException("SequentialLR: expected " + (schedulers.size() - 1)
                    + " milestones for " + schedulers.size() + " schedules, got "
                    + (milestones == null ? "null" : milestones.length));
        }
        for (int i = 0; i < schedulers.size(); i++) {
            LRScheduler s = schedulers.get(i);
            if (s == null || s.optimizer != optimizer) {
                throw new IllegalArgumentException("SequentialLR: schedule " + i
                        + " is null or drives another optimizer");
            }
            if (s instanceof SequentialLR) {
                throw new IllegalArgumentException("SequentialLR: schedule " + i + " is itself a SequentialLR");
            }
        }
        for (int i = 0; i < milestones.length; i++) {
            if (milestones[i] < 1 || (i > 0 && milestones[i] <= milestones[i - 1])) {
                throw new IllegalArgumentException("SequentialLR: milestones must be >= 1 and strictly increasing, "
                        + "got " + java.util.Arrays.toString(milestones));
            }
        }
        this.schedulers = List.copyOf(new ArrayList<>(schedulers));
        this.milestones = milestones.clone();
        initialStep();
    }

    @Override
    protected double lrAt(double baseLr, int epoch) {
        int k = 0;
        while (k < milestones.length && epoch >= milestones[k]) {
            k++;
        }
        int local = k == 0 ? epoch : epoch - milestones[k - 1];
        return schedulers.get(k).lrAt(baseLr, local);
    }
}
