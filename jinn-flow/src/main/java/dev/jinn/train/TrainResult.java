package dev.jinn.train;

import java.util.List;

/**
 * The outcome of {@link Trainer#fit()}, {@link Trainer#resume(Checkpoint)} or {@link Trainer#finish()}.
 *
 * @param steps              the number of steps done in total (including those before a resumption)
 * @param finalLoss          the mean training NLL (nats per sample) over the last 100 steps or fewer
 * @param bestValidationLoss the lowest validation NLL seen, or NaN without validation
 * @param bestStep           the step of that value, or -1
 * @param stoppedEarly       whether early stopping ended the run
 * @param stoppedByRequest   whether {@link Trainer#stop()} ended the run
 * @param restoredBest       whether the model now holds the weights of {@code bestStep}
 * @param history            every step's losses, from the first step of the first run
 */
public record TrainResult(long steps, double finalLoss, double bestValidationLoss, long bestStep,
        boolean stoppedEarly, boolean stoppedByRequest, boolean restoredBest, List<LossRecord> history) {
    /**
     * Copies the history.
     *
     * @param steps              steps done
     * @param finalLoss          recent mean training loss
     * @param bestValidationLoss best validation loss
     * @param bestStep           its step
     * @param stoppedEarly       early stop flag
     * @param stoppedByRequest   stop request flag
     * @param restoredBest       best restore flag
     * @param history            the loss history
     */
    public TrainResult {
        history = List.copyOf(history);
    }
}
