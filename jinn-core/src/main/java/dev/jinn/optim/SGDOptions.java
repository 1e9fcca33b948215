package dev.jinn.optim;

import java.util.List;
import java.util.Map;

/**
 * The hyper-parameters of an {@link SGD} parameter group, as PyTorch's: {@code lr}, {@code momentum},
 * {@code dampening}, {@code weight_decay}, {@code nesterov} and {@code maximize}.
 *
 * @param lr          the learning rate, &ge; 0
 * @param momentum    the momentum factor, &ge; 0 (0: no momentum buffer)
 * @param dampening   the dampening of momentum, finite
 * @param weightDecay the L2 weight decay added to the gradient, &ge; 0
 * @param nesterov    whether to use Nesterov momentum (needs momentum &gt; 0 and zero dampening)
 * @param maximize    whether to ascend the objective
 */
public record SGDOptions(double lr, double momentum, double dampening, double weightDecay, boolean nesterov,
        boolean maximize) implements OptimizerOptions<SGDOptions> {
    private static final String NAME = "SGDOptions";
    /** The state-dict names, in the order of the record's components. */
    private static final List<String> NAMES = List.of(OptionValues.LR, SGD.MOMENTUM, SGD.DAMPENING,
            OptionValues.WEIGHT_DECAY, SGD.NESTEROV, SGD.MAXIMIZE);

    /**
     * Checks every option.
     *
     * @param lr see the record's {@code lr}
     * @param momentum see the record's {@code momentum}
     * @param dampening see the record's {@code dampening}
     * @param weightDecay see the record's {@code weightDecay}
     * @param nesterov see the record's {@code nesterov}
     * @param maximize see the record's {@code maximize}
     * @throws IllegalArgumentException naming the first option out of range, or Nesterov momentum without a
     *                                  momentum or with dampening
     */
    public SGDOptions {
        OptionValues.nonNegative(NAME, OptionValues.LR, lr);
        OptionValues.nonNegative(NAME, SGD.MOMENTUM, momentum);
        OptionValues.range(NAME, SGD.DAMPENING, dampening, -Double.MAX_VALUE, Double.MAX_VALUE);
        OptionValues.nonNegative(NAME, OptionValues.WEIGHT_DECAY, weightDecay);
        if (nesterov && (momentum <= 0 || dampening != 0)) {
            throw new IllegalArgumentException(NAME + ": Nesterov momentum requires a momentum > 0 and zero "
                    + "dampening, got momentum " + momentum + " and dampening " + dampening);
        }
    }

    @Override
    public SGDOptions withLr(double lr) {
        return new SGDOptions(lr, momentum, dampening, weightDecay, nesterov, maximize);
    }

    /**
     * A copy with another momentum factor.
     *
     * @param momentum the factor, &ge; 0
     * @return the new options
     */
    public SGDOptions withMomentum(double momentum) {
        return new SGDOptions(lr, momentum, dampening, weightDecay, nesterov, maximize);
    }

    /**
     * A copy with another dampening.
     *
     * @param dampening the dampening
     * @return the new options
     */
    public SGDOptions withDampening(double dampening) {
        return new SGDOptions(lr, momentum, dampening, weightDecay, nesterov, maximize);
    }

    /**
     * A copy with another weight decay.
     *
     * @param weightDecay the decay, &ge; 0
     * @return the new options
     */
    public SGDOptions withWeightDecay(double weightDecay) {
        return new SGDOptions(lr, momentum, dampening, weightDecay, nesterov, maximize);
    }

    /**
     * A copy with Nesterov momentum switched on or off.
     *
     * @param nesterov whether to use Nesterov momentum
     * @return the new options
     */
    public SGDOptions withNesterov(boolean nesterov) {
        return new SGDOptions(lr, momentum, dampening, weightDecay, nesterov, maximize);
    }

    /**
     * A copy that ascends or descends.
     *
     * @param maximize whether to ascend the objective
     * @return the new options
     */
    public SGDOptions withMaximize(boolean maximize) {
        return new SGDOptions(lr, momentum, dampening, weightDecay, nesterov, maximize);
    }

    @Override
    public Map<String, Double> values() {
        return OptionValues.map(NAMES, lr, momentum, dampening, weightDecay, OptionValues.flag(nesterov),
                OptionValues.flag(maximize));
    }

    @Override
    public SGDOptions withValues(Map<String, Double> values) {
        double[] v = OptionValues.read(NAME, NAMES, values);
        return new SGDOptions(v[0], v[1], v[2], v[3], OptionValues.flag(NAME, SGD.NESTEROV, v[4]),
                OptionValues.flag(NAME, SGD.MAXIMIZE, v[5]));
    }
}
