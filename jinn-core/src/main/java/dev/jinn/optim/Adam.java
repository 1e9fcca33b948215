package dev.jinn.optim;

import dev.jinn.tensor.DType;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
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
 * options: {@link AdamOptions} ({@code lr, beta1, beta2, eps, weight_decay, amsgrad, maximize} in the state
 * dict); state: {@code step} (0-dim float64), {@code exp_avg}, {@code exp_avg_sq} and, with amsgrad,
 * {@code max_exp_avg_sq}.
 *
 * <pre>{@code
 * var opt = Adam.builder().lr(1e-3).betas(0.9, 0.99).buildGroups(List.of(
 *         ParamGroup.of(body.parameters()),
 *         ParamGroup.of(head.parameters(), o -> o.withLr(1e-4).withAmsgrad(true))));
 * }</pre>
 */
public class Adam extends Optimizer<AdamOptions> {
    /** State-dict name of β1, the decay of the first moment. */
    static final String BETA1 = "beta1";
    /** State-dict name of β2, the decay of the second moment. */
    static final String BETA2 = "beta2";
    /** State-dict name of eps, added to the denominator. */
    static final String EPS = "eps";
    /** State-dict name of the AMSGrad flag. */
    static final String AMSGRAD = "amsgrad";
    /** State-dict name of the maximize flag. */
    static final String MAXIMIZE = "maximize";
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
        this(single(params), builder().options());
    }

    /**
     * Adam with a given learning rate and the other defaults.
     *
     * @param params the parameters
     * @param lr     the learning rate
     */
    public Adam(List<Tensor> params, double lr) {
        this(single(params), builder().lr(lr).options());
    }

    /**
     * Adam over several groups.
     *
     * @param groups   the parameter groups
     * @param defaults the options of groups without overrides, e.g. {@code Adam.builder().lr(3e-4).options()}
     */
    public Adam(List<ParamGroup<AdamOptions>> groups, AdamOptions defaults) {
        this("Adam", groups, defaults, false);
    }

    /**
     * For {@link AdamW}.
     *
     * @param name      the name, for messages
     * @param groups    the parameter groups
     * @param defaults  the default options
     * @param decoupled decay weights directly ({@code p *= 1 − lr · weight_decay}) instead of through the gradient
     */
    Adam(String name, List<ParamGroup<AdamOptions>> groups, AdamOptions defaults, boolean decoupled) {
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

    @Override
    protected Set<String> stateNames(AdamOptions options) {
        return options.amsgrad() ? Set.of(STEP, EXP_AVG, EXP_AVG_SQ, MAX_EXP_AVG_SQ)
                : Set.of(STEP, EXP_AVG, EXP_AVG_SQ);
    }

    @Override
    protected void update(AdamOptions options, Tensor param, Tensor grad, Map<String, Tensor> state) {
        double lr = options.lr();
        double beta1 = options.beta1();
        double beta2 = options.beta2();
        double eps = options.eps();
        double weightDecay = options.weightDecay();
        boolean amsgrad = options.amsgrad();
        if (state.isEmpty()) {
            state.put(STEP, Tensors.scalar(0, DType.FLOAT64));
            state.put(EXP_AVG, Tensors.zerosLike(param));
            state.put(EXP_AVG_SQ, Tensors.zerosLike(param));
        }
        if (amsgrad && !state.containsKey(MAX_EXP_AVG_SQ)) {
            state.put(MAX_EXP_AVG_SQ, Tensors.zerosLike(param));
        } else if (!amsgrad) {
            state.remove(MAX_EXP_AVG_SQ); // amsgrad was switched off: the state matches stateNames again
        }
        double step = state.get(STEP).item() + 1;
        state.put(STEP, Tensors.scalar(step, DType.FLOAT64));

        double biasCorrection1 = 1 - Math.pow(beta1, step);
        double biasCorrection2 = 1 - Math.pow(beta2, step);
        double stepSize = lr / biasCorrection1;
        double biasCorrection2Sqrt = Math.sqrt(biasCorrection2);
        Tensor vmax = amsgrad ? state.get(MAX_EXP_AVG_SQ) : null;
        if (FusedAdam.applies(param, grad, state.get(EXP_AVG), state.get(EXP_AVG_SQ), vmax)) {
            // One pass in place (the moments are this optimizer's own tensors: stateDict hands out copies).
            FusedAdam.update(param, grad, state.get(EXP_AVG), state.get(EXP_AVG_SQ), vmax,
                    new FusedAdam.Step(lr, beta1, beta2, eps, weightDecay, decoupled, amsgrad,
                            options.maximize(), stepSize, biasCorrection2Sqrt));
            return;
        }
        Tensor g = options.maximize() ? grad.neg() : grad;
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

    /** Adam's hyper-parameters, the defaults of all groups; {@code build} checks them. */
    public static class Builder extends OptimizerBuilder<AdamOptions, Builder, Adam> {
        private double beta1 = 0.9;
        private double beta2 = 0.999;
        private double eps = 1e-8;
        private boolean amsgrad;

        Builder(double weightDecay) {
            super(1e-3, weightDecay);
        }

        @Override
        Builder self() {
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
            this.beta1 = beta1;
            this.beta2 = beta2;
            return this;
        }

        /**
         * Sets the term added to the denominator (default 1e-8).
         *
         * @param eps the term, &ge; 0
         * @return this builder
         */
        public Builder eps(double eps) {
            this.eps = eps;
            return this;
        }

        /**
         * Switches the AMSGrad variant on or off (default off).
         *
         * @param amsgrad whether to normalize by the running maximum of the second moment
         * @return this builder
         */
        public Builder amsgrad(boolean amsgrad) {
            this.amsgrad = amsgrad;
            return this;
        }

        @Override
        public AdamOptions options() {
            return new AdamOptions(lr, beta1, beta2, eps, weightDecay, amsgrad, maximize);
        }

        @Override
        public Adam buildGroups(List<ParamGroup<AdamOptions>> groups) {
            return new Adam(groups, options());
        }
    }
}
