package dev.jinn.optim;

import dev.jinn.autograd.Grad;
import dev.jinn.io.StateDictException;
import dev.jinn.tensor.DType;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.TensorScope;
import dev.jinn.tensor.Tensors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The base of all optimizers, as PyTorch's {@code torch.optim.Optimizer}: parameter groups with their own
 * hyper-parameters, per-parameter state, {@link #step()}, {@link #zeroGrad()} and state dicts made of tensors.
 *
 * <p>Parameters are numbered across all groups in order (0, 1, … as in PyTorch's state dicts). A parameter
 * whose {@link Tensor#grad()} is null is skipped by {@link #step()} and its state left as it is. Updates are
 * written into the parameter tensors in place inside {@link Grad#disabled()}, computed in the parameter's dtype
 * with the operation order of PyTorch 2.x's single-tensor implementation; state tensors are never aliased with
 * gradients, so in-place gradient clipping cannot corrupt them.
 *
 * <p>{@link #stateDict()} holds only tensors, so it can be written to a safetensors file:
 * {@code state.<i>.<name>} for each parameter's state (e.g. {@code state.0.exp_avg}, {@code state.0.step} as a
 * 0-dim float64 tensor), {@code param_groups.<g>.<option>} for each hyper-parameter of
 * {@link OptimizerOptions#values()} (0-dim float64, flags as 0/1), {@code param_groups.<g>.initial_lr} once a
 * schedule has recorded it, and {@code param_groups.<g>.params} (int64 indices of the group's parameters).
 * Restoring it into an optimizer built over the same parameters continues training bit for bit.
 *
 * @param <O> the optimizer's options record, the hyper-parameters of each group
 */
public abstract class Optimizer<O extends OptimizerOptions<O>> {
    private final String name;
    private final O defaults;
    private final List<ParamGroup<O>> groups = new ArrayList<>();
    private final List<Map<String, Tensor>> state = new ArrayList<>();
    private final IdentityHashMap<Tensor, Integer> indices = new IdentityHashMap<>();

    /**
     * Creates an optimizer over parameter groups.
     *
     * @param name     the optimizer's name, for messages
     * @param groups   the groups; each one's options are {@code defaults} changed by its overrides
     * @param defaults the hyper-parameters of groups without overrides
     * @throws IllegalArgumentException when there are no groups, a parameter is not a floating-point leaf or
     *                                  appears twice, or a group's overrides give options out of range
     */
    protected Optimizer(String name, List<ParamGroup<O>> groups, O defaults) {
        this.name = name;
        if (defaults == null) {
            throw new IllegalArgumentException(name + ": the default options are null");
        }
        this.defaults = defaults;
        if (groups == null || groups.isEmpty()) {
            throw new IllegalArgumentException(name + ": got an empty list of parameter groups");
        }
        for (ParamGroup<O> g : groups) {
            addParamGroup(g);
        }
        if (indices.isEmpty()) {
            throw new IllegalArgumentException(name + ": got an empty parameter list");
        }
    }

    /**
     * Wraps a parameter list as a single group.
     *
     * @param <O>    the optimizer's options record
     * @param params the parameters
     * @return a one-element list of groups
     */
    protected static <O extends OptimizerOptions<O>> List<ParamGroup<O>> single(List<Tensor> params) {
        return List.of(ParamGroup.of(params));
    }

    /**
     * Adds a group (e.g. layers unfrozen during fine-tuning), as PyTorch's {@code add_param_group}. Its options
     * are the optimizer's defaults changed by the group's overrides.
     *
     * @param group the new group; the optimizer keeps its own copy, so later changes go through
     *              {@link #paramGroups()}
     * @throws IllegalArgumentException when a parameter is already optimized or invalid, or the overrides give
     *                                  options out of range (nothing is added then)
     */
    public final void addParamGroup(ParamGroup<O> group) {
        if (group == null) {
            throw new IllegalArgumentException(name + ": a parameter group is null");
        }
        ParamGroup<O> g;
        try {
            g = group.resolve(defaults);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ": parameter group " + groups.size() + ": " + e.getMessage(), e);
        }
        IdentityHashMap<Tensor, Boolean> seen = new IdentityHashMap<>();
        for (int i = 0; i < g.params().size(); i++) {
            Tensor p = g.params().get(i);
            if (!p.dtype().isFloatingPoint()) {
                throw new IllegalArgumentException(name + ": parameter " + i + " of group " + groups.size()
                        + " has dtype " + p.dtype() + "; only floating-point tensors can be optimized");
            }
            if (!p.isLeaf()) {
                throw new IllegalArgumentException(name + ": parameter " + i + " of group " + groups.size()
                        + " is not a leaf tensor (computed by " + p.gradFnName() + "); can't optimize it");
            }
            if (indices.containsKey(p) || seen.put(p, Boolean.TRUE) != null) {
                throw new IllegalArgumentException(name + ": parameter " + i + " of group " + groups.size()
                        + " (shape " + Arrays.toString(p.shape()) + ") appears more than once");
            }
        }
        groups.add(g);
        for (Tensor p : g.params()) {
            indices.put(p, state.size());
            state.add(new LinkedHashMap<>());
        }
    }

    /**
     * The names of the state an optimizer keeps for a parameter of a group with these options once the
     * parameter has been stepped (before that, the state is empty).
     *
     * @param options the group's options
     * @return e.g. {@code step, exp_avg, exp_avg_sq}
     */
    protected abstract Set<String> stateNames(O options);

    /**
     * Updates one parameter; called by {@link #step()} inside {@link Grad#disabled()} for each parameter with a
     * gradient.
     *
     * @param options the hyper-parameters of the parameter's group
     * @param param the parameter, to be updated in place with {@link #assign}
     * @param grad  its gradient (do not modify it)
     * @param state its state, empty before the first update; its tensors belong to this optimizer ({@link #stateDict}
     *              hands out copies), so they may be updated in place
     */
    protected abstract void update(O options, Tensor param, Tensor grad, Map<String, Tensor> state);

    /**
     * Writes new values into a parameter.
     *
     * @param param the parameter
     * @param value its new values (same shape)
     */
    protected static void assign(Tensor param, Tensor value) {
        param.copyFrom(value);
    }

    /**
     * Performs one optimization step: updates every parameter that has a gradient.
     */
    public void step() {
        try (Grad.Scope s = Grad.disabled()) {
            int k = 0;
            for (ParamGroup<O> g : groups) {
                for (Tensor p : g.params()) {
                    Tensor grad = p.grad();
                    if (grad != null) {
                        update(g.options(), p, grad.detach(), state.get(k));
                        persistState(state.get(k));
                    }
                    k++;
                }
            }
        }
    }

    /** Forgets the gradients of all parameters (sets them to null, as PyTorch's default {@code set_to_none}). */
    public void zeroGrad() {
        for (ParamGroup<O> g : groups) {
            for (Tensor p : g.params()) {
                p.zeroGrad();
            }
        }
    }

    /**
     * The optimizer's own parameter groups; change hyper-parameters through them.
     *
     * @return an unmodifiable list
     */
    public final List<ParamGroup<O>> paramGroups() {
        return Collections.unmodifiableList(groups);
    }

    /**
     * The default hyper-parameters (those of groups that do not set their own).
     *
     * @return the options record
     */
    public final O defaults() {
        return defaults;
    }

    /**
     * The learning rate of a group.
     *
     * @param group the group index
     * @return its {@code lr}
     */
    public final double lr(int group) {
        return groups.get(group).lr();
    }

    /**
     * Sets the learning rate of a group.
     *
     * @param group the group index
     * @param lr    the new learning rate, finite and &ge; 0
     */
    public final void setLr(int group, double lr) {
        try {
            groups.get(group).lr(lr);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ": parameter group " + group + ": " + e.getMessage(), e);
        }
    }

    /**
     * Sets the learning rate of every group.
     *
     * @param lr the new learning rate
     */
    public final void setLr(double lr) {
        for (int g = 0; g < groups.size(); g++) {
            setLr(g, lr);
        }
    }

    /**
     * The state of one parameter (e.g. its {@code exp_avg}), empty before its first update.
     *
     * @param param a parameter of this optimizer
     * @return an unmodifiable view of its state
     */
    public final Map<String, Tensor> state(Tensor param) {
        Integer i = indices.get(param);
        if (i == null) {
            throw new IllegalArgumentException(name + ": the tensor (shape " + Arrays.toString(param.shape())
                    + ") is not one of this optimizer's parameters");
        }
        return Collections.unmodifiableMap(state.get(i));
    }

    // ------------------------------------------------------------------------------------------------
    // State dicts

    /**
     * The optimizer's state as tensors (copies): per-parameter state, then the groups' hyper-parameters and
     * parameter indices. See the class comment for the keys.
     *
     * @return key → tensor, in a fixed order
     */
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        try (Grad.Scope s = Grad.disabled()) {
            for (int i = 0; i < state.size(); i++) {
                for (Map.Entry<String, Tensor> e : state.get(i).entrySet()) {
                    out.put("state." + i + "." + e.getKey(), e.getValue().copy());
                }
            }
        }
        int k = 0;
        for (int g = 0; g < groups.size(); g++) {
            ParamGroup<O> group = groups.get(g);
            for (Map.Entry<String, Double> e : group.options().values().entrySet()) {
                out.put("param_groups." + g + "." + e.getKey(), Tensors.scalar(e.getValue(), DType.FLOAT64));
            }
            if (group.initialLr().isPresent()) {
                out.put("param_groups." + g + "." + OptionValues.INITIAL_LR,
                        Tensors.scalar(group.initialLr().getAsDouble(), DType.FLOAT64));
            }
            long[] idx = new long[group.params().size()];
            for (int j = 0; j < idx.length; j++) {
                idx[j] = k++;
            }
            out.put("param_groups." + g + ".params", Tensors.of(idx));
        }
        return out;
    }

    /**
     * Restores a state dict saved from an optimizer of the same kind over parameters of the same shapes, in
     * the same groups. Hyper-parameters (learning rates included) are restored too; state tensors are copied
     * and converted to their parameter's dtype ({@code step} stays float64).
     *
     * <p>Everything is checked first: missing and unexpected keys, group layout, shapes, dtypes, non-numeric or
     * out-of-range values, and incomplete per-parameter state are all reported in one exception, and nothing
     * changes unless everything fits.
     *
     * @param dict a dict from {@link #stateDict()} (or read back from a file)
     * @throws StateDictException listing every problem
     */
    public void loadStateDict(Map<String, Tensor> dict) {
        OptimizerStateReader reader = new OptimizerStateReader(dict);
        List<O> newOptions = new ArrayList<>();
        double[] newInitialLr = new double[groups.size()];
        List<Map<String, Tensor>> newState = new ArrayList<>();
        int k = 0;
        for (int g = 0; g < groups.size(); g++) {
            ParamGroup<O> group = groups.get(g);
            O options = reader.options(g, defaults);
            newOptions.add(options);
            newInitialLr[g] = reader.initialLr(g);
            reader.checkIndices(g, k, group.params().size());
            // With incomplete or bad options in the dict, check the state against the group's current options.
            Set<String> expected = stateNames(options != null ? options : group.options());
            for (Tensor param : group.params()) {
                newState.add(reader.paramState(k++, param, expected));
            }
        }
        reader.throwIfAnyProblem(name);
        for (int g = 0; g < groups.size(); g++) {
            groups.get(g).replace(newOptions.get(g), newInitialLr[g]);
        }
        for (int i = 0; i < state.size(); i++) {
            state.set(i, newState.get(i));
            persistState(newState.get(i));
        }
    }

    /** The state lives as long as this optimizer: out of the step's storage-reuse scope (see {@link TensorScope}). */
    private static void persistState(Map<String, Tensor> paramState) {
        for (Tensor t : paramState.values()) {
            TensorScope.persist(t);
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(name).append(" (");
        for (int g = 0; g < groups.size(); g++) {
            sb.append("\n  group ").append(g).append(": ").append(groups.get(g).params().size())
                    .append(" params, ").append(groups.get(g).options());
        }
        return sb.append("\n)").toString();
    }
}
