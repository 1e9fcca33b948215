package dev.jinn.optim;

import java.util.List;
import java.util.Map;

/**
 * The hyper-parameters of an {@link Adam} or {@link AdamW} parameter group, as PyTorch's: {@code lr},
 * {@code betas = (beta1, beta2)}, {@code eps}, {@code weight_decay}, {@code amsgrad} and {@code maximize}.
 * Both optimizers share the record because they share every option; only AdamW's default weight decay (1e-2)
 * and what it does with it differ.
 *
 * @param lr          the learning rate, &ge; 0
 * @param beta1       the decay of the first moment, in [0, 1)
 * @param beta2       the decay of the second moment, in [0, 1)
 * @param eps         the term added to the denominator, &ge; 0
 * @param weightDecay the weight decay (Adam: L2 through the gradient; AdamW: decoupled), &ge; 0
 * @param amsgrad     whether to normalise by the running maximum of the second moment
 * @param maximize    whether to ascend the objective
 */
public record AdamOptions(double lr, double beta1, double beta2, double eps, double weightDecay, boolean amsgrad,
        boolean maximize) implements OptimizerOptions<AdamOptions> {
    private static final String NAME = "AdamOptions";
    /** The state-dict names, in the order of the record's components. */
    private static final List<String> NAMES = List.of(OptionValues.LR, Adam.BETA1, Adam.BETA2, Adam.EPS,
            OptionValues.WEIGHT_DECAY, Adam.AMSGRAD, Adam.MAXIMIZE);

    /**
     * Checks every option.
     *
     * @param lr see the record's {@code lr}
     * @param beta1 see the record's {@code beta1}
     * @param beta2 see the record's {@code beta2}
     * @param eps see the record's {@code eps}
     * @param weightDecay see the record's {@code weightDecay}
     * @param amsgrad see the record's {@code amsgrad}
     * @param maximize see the record's {@code maximize}
     * @throws IllegalArgumentException naming the first option out of range
     */
    public AdamOptions {
        OptionValues.nonNegative(NAME, OptionValues.LR, lr);
        OptionValues.range(NAME, Adam.BETA1, beta1, 0, OptionValues.BELOW_ONE);
        OptionValues.range(NAME, Adam.BETA2, beta2, 0, OptionValues.BELOW_ONE);
        OptionValues.nonNegative(NAME, Adam.EPS, eps);
        OptionValues.nonNegative(NAME, OptionValues.WEIGHT_DECAY, weightDecay);
    }

    @Override
    public AdamOptions withLr(double lr) {
        return new AdamOptions(lr, beta1, beta2, eps, weightDecay, amsgrad, maximize);
    }

    /**
     * A copy with other moment decays.
     *
     * @param beta1 the decay of the first moment, in [0, 1)
     * @param beta2 the decay of the second moment, in [0, 1)
     * @return the new options
     */
    public AdamOptions withBetas(double beta1, double beta2) {
        return new AdamOptions(lr, beta1, beta2, eps, weightDecay, amsgrad, maximize);
    }

    /**
     * A copy with another denominator term.
     *
     * @param eps the term, &ge; 0
     * @return the new options
     */
    public AdamOptions withEps(double eps) {
        return new AdamOptions(lr, beta1, beta2, eps, weightDecay, amsgrad, maximize);
    }

    /**
     * A copy with another weight decay.
     *
     * @param weightDecay the decay, &ge; 0
     * @return the new options
     */
    public AdamOptions withWeightDecay(double weightDecay) {
        return new AdamOptions(lr, beta1, beta2, eps, weightDecay, amsgrad, maximize);
    }

    /**
     * A copy with AMSGrad switched on or off.
     *
     * @param amsgrad whether to normalise by the running maximum of the second moment
     * @return the new options
     */
    public AdamOptions withAmsgrad(boolean amsgrad) {
        return new AdamOptions(lr, beta1, beta2, eps, weightDecay, amsgrad, maximize);
    }

    /**
     * A copy that ascends or descends.
     *
     * @param maximize whether to ascend the objective
     * @return the new options
     */
    public AdamOptions withMaximize(boolean maximize) {
        return new AdamOptions(lr, beta1, beta2, eps, weightDecay, amsgrad, maximize);
    }

    @Override
    public Map<String, Double> values() {
        return OptionValues.map(NAMES, lr, beta1, beta2, eps, weightDecay, OptionValues.flag(amsgrad),
                OptionValues.flag(maximize));
    }

    @Override
    public AdamOptions withValues(Map<String, Double> values) {
        double[] v = OptionValues.read(NAME, NAMES, values);
        return new AdamOptions(v[0], v[1], v[2], v[3], v[4], OptionValues.flag(NAME, Adam.AMSGRAD, v[5]),
                OptionValues.flag(NAME, Adam.MAXIMIZE, v[6]));
    }
}
