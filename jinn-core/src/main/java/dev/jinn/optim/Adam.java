package dev.jinn.optim;

import dev.jinn.tensor.DType;
import dev.jinn.tensor.FusedAdam;
import dev.jinn.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Adam (Kingma &amp; Ba), as PyTorch's {@code torch.optim.Adam}, with optional AMSGrad and L2 weight decay. For
 * each parameter {@code p} with gradient {@code g}, in this order ({@code t} counts this parameter's updates
 * from 1):
 *
 * <pre>
 * g    = -g                               if maximize
 * g    = g + weight_decay · p             if weight_decay ≠ 0   (L2 penalty; see {@link AdamW} for decoupled)
 * m    = lerp(m, g, 1 − β1)               i.e. m + (1 − β1)(g − m)   (PyTorch's {@code exp_avg.lerp_})
 * v    = β2 · v + ((1 − β2) · g) · g
 * vmax = max(vmax, v)                     if amsgrad
 * step_size = lr / (1 − β1^t)
 * denom     = sqrt(amsgrad ? vmax : v) / sqrt(1 − β2^t) + eps
 * p    = p + ((−step_size) · m) / denom
 * </pre>
 *
 * <p>{@code lerp(a, b, w)} is {@code a + w (b − a)} for {@code |w| < 0.5} and {@code b − (b − a)(1 − w)}
 * otherwise, as PyTorch computes it. Defaults as in PyTorch: {@code lr = 1e-3}, {@code betas = (0.9, 0.999)},
 * {@code eps = 1e-8}, {@code weight_decay = 0}, {@code amsgrad = false}, {@code maximize = false}. Group
 * options: {@code lr, beta1, beta2, eps, weight_decay, amsgrad, maximize}; state: {@code step} (0-dim
 * float64), {@code exp_avg}, {@code exp_avg_sq} and, with amsgrad, {@code max_exp_avg_sq}.
 */
public class Adam extends Optimizer {
    /** Option name of β1, the decay of the first moment. */
    public static final String BETA1 = "beta1";
    /** Option name of β2, the decay of the second moment. */
    public static final String BETA2 = "beta2";
    /** Option name of eps, added to the denominator. */
    public static final String EPS = "eps";
    /** Option name of the AMSGrad flag. */
    public static final String AMSGRAD = "amsgrad";
    /** Option name of the maximize flag. */
    public static final String MAXIMIZE = "maximize";
    /** State name of the update count. */
    public static final String STEP = "step";
    /** State name of the first moment. */
    public static final String EXP_AVG = "exp_avg";
    /** State name of the second moment. */
    public static final String EXP_AVG_SQ = "exp_avg_sq";
    /** State name of the running maximum of the second moment (AMSGrad). */
    public static final String MAX_EXP_AVG_SQ = "max_exp_avg_sq";

    private final boolean decoupled;

    /**
     * Adam with PyTorch's defaults ({@code lr = 1e-3}).
     *
     * @param params the parameters
     */
    public Adam(List<Tensor> params) {
        this(single(params), builder());
    }

    /**
     * Adam with a given learning rate and the other defaults.
     *
     * @param params the parameters
     * @param lr     the learning rate
     */
    public Adam(List<Tensor> params, double lr) {
        this(single(params), builder().lr(lr));
    }

    /**
     * Adam over several groups, with defaults from a builder for what the groups do not set.
     *
     * @param groups   the parameter groups
     * @param defaults the defaults
     */
    public Adam(List<ParamGroup> groups, Builder defaults) {
        this("Adam", groups, defaults.options, false);
    }

    /**
     * For {@link AdamW}.
     *
     * @param name      the name, for messages
     * @param groups    the parameter groups
     * @param defaults  the default options
     * @param decoupled decay weights directly ({@code p *= 1 − lr · weight_decay}) instead of through the gradient
     */
    Adam(String name, List<ParamGroup> groups, Map<String, Double> defaults, boolean decoupled) {
        super(name, groups, defaults);
        this.decoupled = decoupled;
    }

    /**
     * A builder of Adam's hyper-parameters, starting from PyTorch's defaults.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder(0.0);
    }

    static Map<String, Double> defaultOptions(double weightDecay) {
        Map<String, Double> o = new LinkedHashMap<>();
        o.put(ParamGroup.LR, 1e-3);
        o.put(BETA1, 0.9);
        o.put(BETA2, 0.999);
        o.put(EPS, 1e-8);
        o.put(ParamGroup.WEIGHT_DECAY, weightDecay);
        o.put(AMSGRAD, 0.0);
        o.put(MAXIMIZE, 0.0);
        return o;
    }

    @Override
    protected void validateOptions(String where, Map<String, Double> options) {
        super.validateOptions(where, options);
        requireRange(where, options, BETA1, 0, Math.nextDown(1.0));
        requireRange(where, options, BETA2, 0, Math.nextDown(1.0));
        requireRange(where, options, EPS, 0, Double.MAX_VALUE);
        requireRange(where, options, AMSGRAD, 0, 1);
        requireRange(where, options, MAXIMIZE, 0, 1);
    }

    @Override
    protected Set<String> stateNames(Map<String, Double> options) {
        return options.get(AMSGRAD) != 0 ? Set.of(STEP, EXP_AVG, EXP_AVG_SQ, MAX_EXP_AVG_SQ)
                : Set.of(STEP, EXP_AVG, EXP_AVG_SQ);
    }

    @Override
    protected void update(ParamGroup group, Tensor param, Tensor grad, Map<String, Tensor> state) {
        double lr = group.lr();
        double beta1 = group.get(BETA1);
        double beta2 = group.get(BETA2);
        double eps = group.get(EPS);
        double weightDecay = group.weightDecay();
        boolean amsgrad = group.flag(AMSGRAD);
        if (state.isEmpty()) {
            state.put(STEP, Tensor.scalar(0, DType.FLOAT64));
            state.put(EXP_AVG, Tensor.zerosLike(param));
            state.put(EXP_AVG_SQ, Tensor.zerosLike(param));
        }
        if (amsgrad && !state.containsKey(MAX_EXP_AVG_SQ)) {
            state.put(MAX_EXP_AVG_SQ, Tensor.zerosLike(param));
        } else if (!amsgrad) {
            state.remove(MAX_EXP_AVG_SQ); // amsgrad was switched off: the state matches stateNames again
        }
        double step = state.get(STEP).item() + 1;
        state.put(STEP, Tensor.scalar(step, DType.FLOAT64));

        double biasCorrection1 = 1 - Math.pow(beta1, step);
        double biasCorrection2 = 1 - Math.pow(beta2, step);
        double stepSize = lr / biasCorrection1;
        double biasCorrection2Sqrt = Math.sqrt(biasCorrection2);
        Tensor vmax = amsgrad ? state.get(MAX_EXP_AVG_SQ) : null;
        if (FusedAdam.applies(param, grad, state.get(EXP_AVG), state.get(EXP_AVG_SQ), vmax)) {
            // One pass in place (the moments are this optimizer's own tensors: stateDict hands out copies).
            FusedAdam.update(param, grad, state.get(EXP_AVG), state.get(EXP_AVG_SQ), vmax,
                    new FusedAdam.Step(lr, beta1, beta2, eps, weightDecay, decoupled, amsgrad,
                            group.flag(MAXIMIZE), stepSize, biasCorrection2Sqrt));
            return;
        }
        Tensor g = group.flag(MAXIMIZE) ? grad.neg() : grad;
        if (weightDecay != 0) {
            if (decoupled) {
                assign(param, param.mul(1 - lr * weightDecay));
            } else {
                g = g.add(param.mul(weightDecay));
            }
        }
        Tensor m = lerp(state.get(EXP_AVG), g, 1 - beta1);
        Tensor v = state.get(EXP_AVG_SQ).mul(beta2).add(g.mul(1 - beta2).mul(g));
        state.put(EXP_AVG, m);
        state.put(EXP_AVG_SQ, v);

        Tensor second = v;
        if (amsgrad) {
            second = state.get(MAX_EXP_AVG_SQ).maximum(v);
            state.put(MAX_EXP_AVG_SQ, second);
        }
        Tensor denom = second.sqrt().div(biasCorrection2Sqrt).add(eps);
        assign(param, param.add(m.mul(-stepSize).div(denom)));
    }

    /** PyTorch's lerp: {@code a + w (b − a)} for small weights, {@code b − (b − a)(1 − w)} otherwise. */
    private static Tensor lerp(Tensor a, Tensor b, double w) {
        Tensor diff = b.sub(a);
        return Math.abs(w) < 0.5 ? a.add(diff.mul(w)) : b.sub(diff.mul(1 - w));
    }

    /** Adam's hyper-parameters, used as the defaults of all groups. */
    public static class Builder {
        final Map<String, Double> options;

        Builder(double weightDecay) {
            options = defaultOptions(weightDecay);
        }

        /**
         * Sets the learning rate (default 1e-3).
         *
         * @param lr the learning rate, &ge; 0
         * @return this builder
         */
        public Builder lr(double lr) {
            options.put(ParamGroup.LR, lr);
            return this;
        }

        /**
         * Sets the moment decays (default 0.9 and 0.999).
         *
         * @param beta1 decay of the first moment, in [0, 1)
         * @param beta2 decay of the second moment, in [0, 1)
         * @return this builder
         */
        public Builder betas(double beta1, double beta2) {
            options.put(BETA1, beta1);
            options.put(BETA2, beta2);
            return this;
        }

        /**
         * Sets the term added to the denominator (default 1e-8).
         *
         * @param eps the term, &ge; 0
         * @return this builder
         */
        public Builder eps(double eps) {
            options.put(EPS, eps);
            return this;
        }

        /**
         * Sets the weight decay (Adam: L2 added to the gradient, default 0; AdamW: decoupled, default 1e-2).
         *
         * @param weightDecay the decay, &ge; 0
         * @return this builder
         */
        public Builder weightDecay(double weightDecay) {
            options.put(ParamGroup.WEIGHT_DECAY, weightDecay);
            return this;
        }

        /**
         * Switches the AMSGrad variant on or off (default off).
         *
         * @param amsgrad whether to normalize by the running maximum of the second moment
         * @return this builder
         */
        public Builder amsgrad(boolean amsgrad) {
            options.put(AMSGRAD, amsgrad ? 1.0 : 0.0);
            return this;
        }

        /**
         * Maximizes the objective instead of minimizing it (default off).
         *
         * @param maximize whether to ascend
         * @return this builder
         */
        public Builder maximize(boolean maximize) {
            options.put(MAXIMIZE, maximize ? 1.0 : 0.0);
            return this;
        }

        /**
         * Creates the optimizer over one group.
         *
         * @param params the parameters
         * @return the optimizer
         */
        public Adam build(List<Tensor> params) {
            return buildGroups(single(params));
        }

        /**
         * Creates the optimizer over several groups.
         *
         * @param groups the groups; what they do not set comes from this builder
         * @return the optimizer
         */
        public Adam buildGroups(List<ParamGroup> groups) {
            return new Adam(groups, this);
        }
    }
}
