package dev.jinn.optim;

import java.util.Map;

/**
 * The hyper-parameters of one parameter group, one immutable record per optimizer ({@link AdamOptions},
 * {@link SGDOptions}); a record validates itself when it is made, so an optimizer never holds options out of
 * range. Every optimizer has a learning rate and a weight decay, which is all that schedules and the shared
 * parts of {@link Optimizer} need to know.
 *
 * <p>{@link #values()} and {@link #withValues(Map)} are the state-dict form: the options under PyTorch's names
 * ({@code lr}, {@code weight_decay}, {@code beta1}, …), flags as 0 or 1, as optimizer state dicts have always been
 * written.
 *
 * @param <O> the record type itself, so that {@code withLr} keeps it
 */
public interface OptimizerOptions<O extends OptimizerOptions<O>> {
    /**
     * The learning rate.
     *
     * @return {@code lr}, finite and &ge; 0
     */
    double lr();

    /**
     * The weight decay.
     *
     * @return {@code weight_decay}, finite and &ge; 0
     */
    double weightDecay();

    /**
     * A copy with another learning rate (what schedules change between steps).
     *
     * @param lr the learning rate, finite and &ge; 0
     * @return the new options
     * @throws IllegalArgumentException when {@code lr} is out of range
     */
    O withLr(double lr);

    /**
     * The options under PyTorch's names, flags as 0 or 1, in the order of the state dict.
     *
     * @return name → value
     */
    Map<String, Double> values();

    /**
     * Options of the same kind read from their state-dict form, the inverse of {@link #values()}.
     *
     * @param values name → value, with every name of {@link #values()} (others are ignored)
     * @return the options
     * @throws IllegalArgumentException when a name is missing, a value is out of range or a flag is not 0 or 1
     */
    O withValues(Map<String, Double> values);
}
