package dev.jinn.optim;

import dev.jinn.tensor.Tensor;
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
 * {@code momentum > 0} and {@code dampening = 0}. Group options: {@link SGDOptions} ({@code lr, momentum,
 * dampening, weight_decay, nesterov, maximize} in the state dict); state: {@code momentum_buffer} (when
 * momentum ≠ 0).
 */
public final class SGD extends Optimizer<SGDOptions> {
    /** State-dict name of the momentum factor. */
    static final String MOMENTUM = "momentum";
    /** State-dict name of the dampening of momentum. */
    static final String DAMPENING = "dampening";
    /** State-dict name of the Nesterov flag. */
    static final String NESTEROV = "nesterov";
    /** State-dict name of the maximize flag (ascend the objective). */
    static final String MAXIMIZE = "maximize";
    /** State name of the momentum buffer. */
    public static final String MOMENTUM_BUFFER = "momentum_buffer";

    /**
     * Plain SGD over one group: {@code p = p − lr · g}.
     *
     * @param params the parameters
     * @param lr     the learning rate
     */
    public SGD(List<Tensor> params, double lr) {
        this(single(params), builder(lr).options());
    }

    /**
     * SGD over several groups.
     *
     * @param groups   the parameter groups
     * @param defaults the options of groups without overrides, e.g. {@code SGD.builder(0.1).momentum(0.9).options()}
     */
    public SGD(List<ParamGroup<SGDOptions>> groups, SGDOptions defaults) {
        super("SGD", groups, defaults);
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
    protected Set<String> stateNames(SGDOptions options) {
        return options.momentum() != 0 ? Set.of(MOMENTUM_BUFFER) : Set.of();
    }

    @Override
    protected void update(SGDOptions options, Tensor param, Tensor grad, Map<String, Tensor> state) {
        double lr = options.lr();
        double weightDecay = options.weightDecay();
        double momentum = options.momentum();
        double dampening = options.dampening();
        Tensor d = options.maximize() ? grad.neg() : grad;
        if (weightDecay != 0) {
            d = d.add(param.mul(weightDecay));
        }
        if (momentum != 0) {
            Tensor buf = state.get(MOMENTUM_BUFFER);
            buf = buf == null ? d.copy() : buf.mul(momentum).add(d.mul(1 - dampening));
            state.put(MOMENTUM_BUFFER, buf);
            d = options.nesterov() ? d.add(buf.mul(momentum)) : buf;
        }
        assign(param, param.add(d.mul(-lr)));
    }

    /** SGD's hyper-parameters, the defaults of all groups; {@code build} checks them. */
    public static final class Builder extends OptimizerBuilder<SGDOptions, Builder, SGD> {
        private double momentum;
        private double dampening;
        private boolean nesterov;

        private Builder(double lr) {
            super(lr, 0.0);
        }

        @Override
        Builder self() {
            return this;
        }

        /**
         * Sets the momentum factor (default 0: none).
         *
         * @param momentum the factor, &ge; 0
         * @return this builder
         */
        public Builder momentum(double momentum) {
            this.momentum = momentum;
            return this;
        }

        /**
         * Sets the dampening of momentum (default 0).
         *
         * @param dampening the dampening
         * @return this builder
         */
        public Builder dampening(double dampening) {
            this.dampening = dampening;
            return this;
        }

        /**
         * Switches Nesterov momentum on or off (default off).
         *
         * @param nesterov whether to use Nesterov momentum
         * @return this builder
         */
        public Builder nesterov(boolean nesterov) {
            this.nesterov = nesterov;
            return this;
        }

        @Override
        public SGDOptions options() {
            return new SGDOptions(lr, momentum, dampening, weightDecay, nesterov, maximize);
        }

        @Override
        public SGD buildGroups(List<ParamGroup<SGDOptions>> groups) {
            return new SGD(groups, options());
        }
    }
}
