package dev.jinn.optim;

import dev.jinn.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalDouble;
import java.util.function.UnaryOperator;

/**
 * A set of parameters with its own hyper-parameters, like an entry of PyTorch's {@code optimizer.param_groups}.
 *
 * <p>A group handed to an optimizer says how its options differ from the optimizer's defaults: not at all
 * ({@link #of(List)}), or by a function of the defaults ({@link #of(List, UnaryOperator)}), the typed form of
 * PyTorch's per-group keys. The optimizer keeps its own copy holding the resulting options record
 * ({@link Optimizer#paramGroups()}); schedules and users change the options of that copy between steps
 * ({@link #lr(double)}, {@link #update(UnaryOperator)}).
 *
 * <pre>{@code
 * var opt = SGD.builder(1e-2).momentum(0.9).buildGroups(List.of(
 *         ParamGroup.of(body.parameters()),
 *         ParamGroup.of(head.parameters(), o -> o.withLr(1e-3).withMomentum(0.0))));
 * opt.paramGroups().get(1).update(o -> o.withMomentum(0.5));   // later, as g['momentum'] = 0.5
 * }</pre>
 *
 * @param <O> the options record of the optimizer the group belongs to
 */
public final class ParamGroup<O extends OptimizerOptions<O>> {
    private final List<Tensor> params;
    private final UnaryOperator<O> overrides;
    private O options;
    private double initialLr = Double.NaN;

    private ParamGroup(List<Tensor> params, UnaryOperator<O> overrides, O options) {
        this.params = params;
        this.overrides = overrides;
        this.options = options;
    }

    /**
     * A group of parameters that takes all hyper-parameters from the optimizer's defaults.
     *
     * @param <O>    the optimizer's options record
     * @param params the parameters (leaf floating-point tensors); the list is copied
     * @return the group
     */
    public static <O extends OptimizerOptions<O>> ParamGroup<O> of(List<Tensor> params) {
        return of(params, UnaryOperator.<O>identity());
    }

    /**
     * A group of parameters whose hyper-parameters are the optimizer's defaults changed by a function, e.g.
     * {@code o -> o.withLr(1e-4)}.
     *
     * @param <O>       the optimizer's options record
     * @param params    the parameters (leaf floating-point tensors); the list is copied
     * @param overrides maps the optimizer's defaults to this group's options
     * @return the group
     */
    public static <O extends OptimizerOptions<O>> ParamGroup<O> of(List<Tensor> params, UnaryOperator<O> overrides) {
        if (params == null) {
            throw new IllegalArgumentException("ParamGroup: the parameter list is null");
        }
        if (overrides == null) {
            throw new IllegalArgumentException("ParamGroup: the overrides are null");
        }
        for (int i = 0; i < params.size(); i++) {
            if (params.get(i) == null) {
                throw new IllegalArgumentException("ParamGroup: parameter " + i + " is null");
            }
        }
        return new ParamGroup<>(Collections.unmodifiableList(new ArrayList<>(params)), overrides, null);
    }

    /**
     * The optimizer's own copy of this group, with its options resolved from the defaults.
     *
     * @throws IllegalArgumentException when the overrides give options out of range (the record rejects them)
     */
    ParamGroup<O> resolve(O defaults) {
        O resolved = overrides.apply(defaults);
        if (resolved == null) {
            throw new IllegalArgumentException("the overrides returned null");
        }
        return new ParamGroup<>(params, UnaryOperator.identity(), resolved);
    }

    /**
     * The parameters of this group, in order.
     *
     * @return an unmodifiable list
     */
    public List<Tensor> params() {
        return params;
    }

    /**
     * The group's hyper-parameters.
     *
     * @return the options record
     * @throws IllegalStateException when the group is not an optimizer's (its options depend on the defaults)
     */
    public O options() {
        if (options == null) {
            throw new IllegalStateException("ParamGroup: not in an optimizer yet, so its options are not known; "
                    + "use the optimizer's paramGroups()");
        }
        return options;
    }

    /**
     * Changes the group's hyper-parameters, taking effect at the next step.
     *
     * @param change maps the current options to the new ones, e.g. {@code o -> o.withMomentum(0.5)}
     * @throws IllegalStateException    when the group is not an optimizer's
     * @throws IllegalArgumentException when the new options are out of range (nothing changes then)
     */
    public void update(UnaryOperator<O> change) {
        O next = change.apply(options());
        if (next == null) {
            throw new IllegalArgumentException("ParamGroup.update: the change returned null");
        }
        options = next;
    }

    /** Replaces the options wholesale: a loaded state dict. */
    void replace(O newOptions, double newInitialLr) {
        options = newOptions;
        initialLr = newInitialLr;
    }

    /**
     * The learning rate.
     *
     * @return {@code lr}
     * @throws IllegalStateException when the group is not an optimizer's
     */
    public double lr() {
        return options().lr();
    }

    /**
     * Sets the learning rate (schedules do this between steps).
     *
     * @param lr the new learning rate, finite and &ge; 0
     * @throws IllegalStateException    when the group is not an optimizer's
     * @throws IllegalArgumentException when {@code lr} is out of range
     */
    public void lr(double lr) {
        update(o -> o.withLr(lr));
    }

    /**
     * The learning rate the first schedule on the optimizer found, its base for every later schedule (PyTorch's
     * {@code initial_lr}).
     *
     * @return the base learning rate, or empty while no schedule has been created
     */
    public OptionalDouble initialLr() {
        return Double.isNaN(initialLr) ? OptionalDouble.empty() : OptionalDouble.of(initialLr);
    }

    /** The schedules' base learning rate, recorded from the current one by the first schedule. */
    double scheduleBase() {
        if (Double.isNaN(initialLr)) {
            initialLr = lr();
        }
        return initialLr;
    }

    @Override
    public String toString() {
        return "ParamGroup(" + params.size() + " params, " + (options == null ? "defaults with overrides" : options)
                + (Double.isNaN(initialLr) ? "" : ", initial_lr=" + initialLr) + ")";
    }
}
