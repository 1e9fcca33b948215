package dev.jinn.optim;

import dev.jinn.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A set of parameters with its own hyper-parameters, like an entry of PyTorch's {@code optimizer.param_groups}.
 *
 * <p>Hyper-parameters are named numbers, spelled as in PyTorch ({@code lr}, {@code weight_decay},
 * {@code momentum}, {@code beta1}, {@code eps}, …); flags such as {@code nesterov} or {@code amsgrad} are stored
 * as 0 or 1. A group given to an optimizer may set only some of them: the optimizer fills in its defaults and
 * rejects names it does not know. Schedulers change {@code lr} through {@link #lr(double)} on the optimizer's
 * own groups ({@link Optimizer#paramGroups()}).
 *
 * <pre>{@code
 * var opt = new SGD(List.of(
 *         ParamGroup.of(body.parameters()),
 *         ParamGroup.of(head.parameters()).lr(1e-3).set("momentum", 0.0)),
 *     SGD.builder(1e-2).momentum(0.9));
 * }</pre>
 */
public final class ParamGroup {
    /** The option name of the learning rate. */
    public static final String LR = "lr";
    /** The option name of the weight decay. */
    public static final String WEIGHT_DECAY = "weight_decay";
    /** The option name under which schedulers remember the learning rate they started from. */
    public static final String INITIAL_LR = "initial_lr";

    private final List<Tensor> params;
    private final Map<String, Double> options = new LinkedHashMap<>();

    private ParamGroup(List<Tensor> params) {
        if (params == null) {
            throw new IllegalArgumentException("ParamGroup: the parameter list is null");
        }
        for (int i = 0; i < params.size(); i++) {
            if (params.get(i) == null) {
                throw new IllegalArgumentException("ParamGroup: parameter " + i + " is null");
            }
        }
        this.params = Collections.unmodifiableList(new ArrayList<>(params));
    }

    /**
     * A group of parameters that takes all hyper-parameters from the optimizer's defaults until set.
     *
     * @param params the parameters (leaf floating-point tensors); the list is copied
     * @return the group
     */
    public static ParamGroup of(List<Tensor> params) {
        return new ParamGroup(params);
    }

    /** A copy holding the same parameters and options. */
    ParamGroup copy() {
        ParamGroup g = new ParamGroup(params);
        g.options.putAll(options);
        return g;
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
     * The learning rate.
     *
     * @return {@code lr}
     * @throws IllegalStateException when not set (a group outside an optimizer may lack it)
     */
    public double lr() {
        return get(LR);
    }

    /**
     * Sets the learning rate (schedulers do this between steps).
     *
     * @param lr the new learning rate, finite and &ge; 0
     * @return this group
     */
    public ParamGroup lr(double lr) {
        return set(LR, lr);
    }

    /**
     * The weight decay.
     *
     * @return {@code weight_decay}
     * @throws IllegalStateException when not set
     */
    public double weightDecay() {
        return get(WEIGHT_DECAY);
    }

    /**
     * Sets the weight decay.
     *
     * @param weightDecay the weight decay, finite and &ge; 0
     * @return this group
     */
    public ParamGroup weightDecay(double weightDecay) {
        return set(WEIGHT_DECAY, weightDecay);
    }

    /**
     * Sets a hyper-parameter.
     *
     * @param name  its name as in PyTorch, e.g. {@code momentum}, {@code beta2}, {@code eps}
     * @param value its value
     * @return this group
     */
    public ParamGroup set(String name, double value) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("ParamGroup.set: the option name is empty");
        }
        if (Double.isNaN(value)) {
            throw new IllegalArgumentException("ParamGroup.set: " + name + " is NaN");
        }
        options.put(name, value);
        return this;
    }

    /**
     * Sets a flag, stored as 1 (true) or 0 (false).
     *
     * @param name  its name as in PyTorch, e.g. {@code nesterov}, {@code amsgrad}, {@code maximize}
     * @param value its value
     * @return this group
     */
    public ParamGroup set(String name, boolean value) {
        return set(name, value ? 1.0 : 0.0);
    }

    /**
     * A hyper-parameter.
     *
     * @param name its name
     * @return its value
     * @throws IllegalStateException when the group has no such option
     */
    public double get(String name) {
        Double v = options.get(name);
        if (v == null) {
            throw new IllegalStateException("ParamGroup: no option '" + name + "' (has " + options.keySet() + ")");
        }
        return v;
    }

    /**
     * A flag.
     *
     * @param name its name
     * @return whether the option is nonzero
     * @throws IllegalStateException when the group has no such option
     */
    public boolean flag(String name) {
        return get(name) != 0.0;
    }

    /**
     * Whether a hyper-parameter is set.
     *
     * @param name its name
     * @return true when set
     */
    public boolean has(String name) {
        return options.containsKey(name);
    }

    /**
     * All hyper-parameters set on this group.
     *
     * @return an unmodifiable view, in insertion order
     */
    public Map<String, Double> options() {
        return Collections.unmodifiableMap(options);
    }

    void remove(String name) {
        options.remove(name);
    }

    void replaceOptions(Map<String, Double> values) {
        options.clear();
        options.putAll(values);
    }

    @Override
    public String toString() {
        return "ParamGroup(" + params.size() + " params, " + options + ")";
    }
}
