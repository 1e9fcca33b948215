package dev.jinn.optim;

import dev.jinn.tensor.Tensor;
import java.util.List;

/**
 * The shared base of jinn's optimizer builders: the options every optimizer has (learning rate, weight decay,
 * maximize) and the two ways to build (one group, or several groups with their own overrides). Each optimizer's
 * builder adds its own options and turns them into its options record, checked then.
 *
 * @param <O> the optimizer's options record
 * @param <B> the builder itself, so that chained calls keep its type
 * @param <T> the optimizer it builds
 */
public abstract class OptimizerBuilder<O extends OptimizerOptions<O>, B extends OptimizerBuilder<O, B, T>,
        T extends Optimizer<O>> {
    // Read directly by the builders of this package, which alone extend this class.
    double lr;
    double weightDecay;
    boolean maximize;

    /** Starts from the optimizer's default learning rate and weight decay; {@code maximize} starts off. */
    OptimizerBuilder(double lr, double weightDecay) {
        this.lr = lr;
        this.weightDecay = weightDecay;
    }

    /**
     * This builder, typed as its subclass.
     *
     * @return {@code this}
     */
    abstract B self();

    /**
     * Sets the learning rate.
     *
     * @param lr the learning rate, &ge; 0
     * @return this builder
     */
    public final B lr(double lr) {
        this.lr = lr;
        return self();
    }

    /**
     * Sets the weight decay (what it does is the optimizer's: L2 through the gradient, or decoupled for AdamW).
     *
     * @param weightDecay the decay, &ge; 0
     * @return this builder
     */
    public final B weightDecay(double weightDecay) {
        this.weightDecay = weightDecay;
        return self();
    }

    /**
     * Maximizes the objective instead of minimizing it (default off).
     *
     * @param maximize whether to ascend
     * @return this builder
     */
    public final B maximize(boolean maximize) {
        this.maximize = maximize;
        return self();
    }

    /**
     * The options set so far, as the optimizer's record: the defaults of every group.
     *
     * @return the options
     * @throws IllegalArgumentException when an option is out of range
     */
    public abstract O options();

    /**
     * Creates the optimizer over several groups.
     *
     * @param groups the groups; each one's options are {@link #options()} changed by its overrides
     * @return the optimizer
     */
    public abstract T buildGroups(List<ParamGroup<O>> groups);

    /**
     * Creates the optimizer over one group with {@link #options()}.
     *
     * @param params the parameters
     * @return the optimizer
     */
    public final T build(List<Tensor> params) {
        return buildGroups(List.of(ParamGroup.of(params)));
    }
}
