package dev.jinn.train;

/**
 * How the learning rate of a {@link Trainer} changes over the steps (after an optional linear warm-up).
 */
public enum LrSchedule {
    /** The base learning rate throughout. */
    CONSTANT,
    /** Cosine annealing from the base learning rate to 1% of it at the last step. */
    COSINE
}
