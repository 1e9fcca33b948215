package dev.jinn.train;

import dev.jinn.optim.CosineAnnealingLR;
import dev.jinn.optim.LRScheduler;
import dev.jinn.optim.LinearWarmup;
import dev.jinn.optim.Optimizer;
import dev.jinn.optim.SequentialLR;
import java.util.List;

/** The learning-rate scheduler that a run's settings describe: an optional linear warm-up, then the schedule. */
final class Schedules {
    /** Cosine annealing ends at this fraction of the base learning rate. */
    private static final double COSINE_FLOOR = 0.01;

    private Schedules() {
    }

    /**
     * The scheduler for a run.
     *
     * @param optimizer the optimizer whose learning rate it drives
     * @param s         the settings (steps, warm-up, schedule, base learning rate)
     * @return the scheduler, or null when the learning rate stays constant throughout
     */
    static LRScheduler of(Optimizer<?> optimizer, TrainSettings s) {
        int warm = (int) Math.min(s.warmupSteps(), s.steps());
        LRScheduler main = null;
        if (s.schedule() == LrSchedule.COSINE) {
            int span = (int) Math.max(1, Math.min(Integer.MAX_VALUE, s.steps() - warm));
            main = new CosineAnnealingLR(optimizer, span, s.lr() * COSINE_FLOOR);
        }
        if (warm <= 0) {
            return main;
        }
        LRScheduler warmup = new LinearWarmup(optimizer, 1.0 / warm, 1.0, warm);
        return main == null ? warmup : new SequentialLR(optimizer, List.of(warmup, main), new int[] {warm});
    }
}
