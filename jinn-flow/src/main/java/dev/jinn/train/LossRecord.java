package dev.jinn.train;

/**
 * One entry of the loss history of a training run.
 *
 * @param step           the step number (1-based)
 * @param loss           the training batch NLL in nats per sample
 * @param validationLoss the validation NLL if evaluated at this step, else NaN
 */
public record LossRecord(long step, double loss, double validationLoss) {
}
