package dev.jinn.optim;

import dev.jinn.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Stochastic gradient descent with optional momentum, dampening, Nesterov momentum and weight decay, as
 * PyTorch's {@code torch.optim.SGD}. For each parameter {@code p} with gradient {@code g}, in this order:
 *
 * <pre>
 * g   = -g                               if maximize
 * g   = g + weight_decay · p             if weight_decay ≠ 0   (L2 penalty)
 * if momentum ≠ 0:
 *     buf = clone(g)                     on the parameter's first update
 *     buf = momentum · buf + (1 − dampening) · g   afterwards
 *     g   = g + momentum · buf           if nesterov, else g = buf
 * p   = p + (−lr) · g
 * </pre>
 *
 * <p>Defaults as in PyTorch: {@code lr} is required, {@code momentum = 0}, {@code dampening = 0},
 * {@code weight_decay = 0}, {@code nesterov = false}, {@code maximize = false}. Nesterov momentum needs
 * {@code momentum > 0} and {@code dampening = 0}. Group options: {@code lr, momentum, dampening, weight_decay,
 * nesterov, maximize}; state: {@code momentum_buffer} (when momentum ≠ 0).
 */
public final class SGD extends Optimizer {
    /** Option name of the momentum factor. */
    public static final String MOMENTUM = "momentum";
    /** Option name of the dampening of momentum. */
    public static final String DAMPENING = "dampening";
    /** Option name of the Nesterov flag. */
    public static final String NESTEROV = "nesterov";
    /** Option name of the maximize flag (ascend the objective). */
    public static final String MAXIMIZE = "maximize";
    /** State name of the momentum buffer. */
    public static final String MOMENTUM_BUFFER = "momentum_buffer";

    /**
     * Plain SGD over one group: {@code p = p − lr · g}.
     *
     * @param params the parameters
     * @param lr     the learning rate
     */
    public SGD(List<Tensor> params, double lr) {
        this(single(params), builder(lr));
    }

    /**
     * SGD over several groups, with defaults from a builder for what the groups do not set.
     *
     * @param groups   the parameter groups
     * @param defaults the defaults
     */
    public SGD(List<ParamGroup> groups, Builder defaults) {
        super("SGD", groups, defaults.options);
    }

    /**
     * A builder of SGD's hyper-parameters; the learning rate has no default.
     *
     * @param lr the learning rate
     * @return the builder
     */
    public static Builder builder(double lr) {
        return new Builder(lr);
    }

    @Override
    protected void validateOptions(String where, Map<String, Double> options) {
        super.validateOptions(where, options);
        requireRange(where, options, MOMENTUM, 0, Double.MAX_VALUE);
        requireRange(where, options, DAMPENING, -Double.MAX_VALUE, Double.MAX_VALUE);
        requireRange(where, options, NESTEROV, 0, 1);
        requireRange(where, options, MAXIMIZE, 0, 1);
        if (options.get(NESTEROV) != 0 && (options.get(MOMENTUM) <= 0 || options.get(DAMPENING) != 0)) {
            throw new IllegalArgumentException("SGD: Nesterov momentum requires a momentum > 0 and zero dampening, "
                    + "got momentum " + options.get(MOMENTUM) + " and dampening " + options.get(DAMPENING)
                    + " in " + where);
        }
    }

    @Override
    protected Set<String> stateNames(Map<String, Double> options) {
        return options.get(MOMENTUM) != 0 ? Set.of(MOMENTUM_BUFFER) : Set.of();
    }

    @Override
    protected void update(ParamGroup group, Tensor param, Tensor grad, Map<String, Tensor> state) {
        double lr = group.lr();
        double weightDecay = group.weightDecay();
        double momentum = group.get(MOMENTUM);
        double dampening = group.get(DAMPENING);
        Tensor d = group.flag(MAXIMIZE) ? grad.neg() : grad;
        if (weightDecay != 0) {
            d = d.add(param.mul(weightDecay));
        }
        if (momentum != 0) {
            Tensor buf = state.get(MOMENTUM_BUFFER);
            buf = buf == null ? d.copy() : buf.mul(momentum).add(d.mul(1 - dampening));
            state.put(MOMENTUM_BUFFER, buf);
            d = group.flag(NESTEROV) ? d.add(buf.mul(momentum)) : buf;
        }
        assign(param, param.add(d.mul(-lr)));
    }

    /** SGD's hyper-parameters, used as the defaults of all groups. */
    public static final class Builder {
        private final Map<String, Double> options = new LinkedHashMap<>();

        private Builder(double lr) {
            options.put(ParamGroup.LR, lr);
            options.put(MOMENTUM, 0.0);
            options.put(DAMPENING, 0.0);
            options.put(ParamGroup.WEIGHT_DECAY, 0.0);
            options.put(NESTEROV, 0.0);
            options.put(MAXIMIZE, 0.0);
        }

        /**
         * Sets the momentum factor (default 0: none).
         *
         * @param momentum the factor, &ge; 0
         * @return this builder
         */
        public Builder momentum(double momentum) {
            options.put(MOMENTUM, momentum);
            return this;
        }

        /**
         * Sets the dampening of momentum (default 0).
         *
         * @param dampening the dampening
         * @return this builder
         */
        public Builder dampening(double dampening) {
            options.put(DAMPENING, dampening);
            return this;
        }

        /**
         * Sets the L2 weight decay added to the gradient (default 0).
         *
         * @param weightDecay the decay, &ge; 0
         * @return this builder
         */
        public Builder weightDecay(double weightDecay) {
            options.put(ParamGroup.WEIGHT_DECAY, weightDecay);
            return this;
        }

        /**
         * Switches Nesterov momentum on or off (default off).
         *
         * @param nesterov whether to use Nesterov momentum
         * @return this builder
         */
        public Builder nesterov(boolean nesterov) {
            options.put(NESTEROV, nesterov ? 1.0 : 0.0);
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
        public SGD build(List<Tensor> params) {
            return new SGD(single(params), this);
        }

        /**
         * Creates the optimizer over several groups.
         *
         * @param groups the groups; what they do not set comes from this builder
         * @return the optimizer
         */
        public SGD buildGroups(List<ParamGroup> groups) {
            return new SGD(groups, this);
        }
    }
}
