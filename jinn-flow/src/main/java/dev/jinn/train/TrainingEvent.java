package dev.jinn.train;

/**
 * What a {@link Trainer} reports after each optimisation step, for progress bars and logs.
 *
 * @param step              the number of steps done so far (1 after the first)
 * @param totalSteps        the number of steps the run is set to take
 * @param loss              the training batch's mean NLL in nats per sample
 * @param validationLoss    the validation NLL in nats per sample if it was evaluated at this step, else NaN
 * @param bestValidationLoss the lowest validation NLL so far, or NaN before the first evaluation
 * @param lr                the learning rate used for this step
 * @param samplesPerSecond  training throughput since this run (or resumption) started
 * @param elapsedSeconds    wall time since this run (or resumption) started
 */
public record TrainingEvent(long step, long totalSteps, double loss, double validationLoss,
        double bestValidationLoss, double lr, double samplesPerSecond, double elapsedSeconds) {
    /**
     * Whether the validation loss was evaluated at this step.
     *
     * @return true if {@link #validationLoss()} is a number
     */
    public boolean validated() {
        return !Double.isNaN(validationLoss);
    }

    /**
     * The estimated time to finish at the current throughput.
     *
     * @return seconds left, 0 when done
     */
    public double etaSeconds() {
        return step <= 0 ? Double.NaN : elapsedSeconds / step * Math.max(0, totalSteps - step);
    }
}
