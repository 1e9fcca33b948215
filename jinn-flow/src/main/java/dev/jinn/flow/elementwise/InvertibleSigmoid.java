package dev.jinn.flow.elementwise;

import dev.jinn.flow.FlowResult;
import dev.jinn.flow.InvertibleModule;
import dev.jinn.flow.Shape;
import dev.jinn.flow.SingleInput;
import dev.jinn.flow.UnconditionalSpec;
import dev.jinn.tensor.Tensor;
import java.util.List;

/**
 * The logistic sigmoid applied elementwise, FrEIA's {@code InvertibleSigmoid}; no parameters.
 *
 * <p>Formula: {@code y = σ(x) = 1/(1 + e^{−x})}; reverse {@code x = ln(y/(1 − y))}, defined for y in (0, 1) only.
 * Log-det: {@code Σ ln σ'(x) = −Σ ln((1 + e^x)(1 + e^{−x}))} over all non-batch axes, computed stably as
 * {@code Σ (ln σ(x) + ln σ(−x))}; in reverse {@code −Σ (ln y + ln(1 − y))}.
 *
 * <p>Differences from FrEIA: a reverse input outside (0, 1) (or NaN) is an error naming how many values are out
 * of range, where FrEIA returns NaN; the log-det sums over all non-batch axes (FrEIA sums over axis 1 only, which
 * is wrong for images).
 */
public final class InvertibleSigmoid extends InvertibleModule {
    /**
     * The sigmoid module.
     *
     * @param dimsIn one input shape
     */
    public InvertibleSigmoid(List<Shape> dimsIn) {
        super(dimsIn, List.of());
        SingleInput.of("InvertibleSigmoid", dimsIn);
    }

    /**
     * The spec.
     *
     * @return a spec for {@code SequenceINN.append} or a graph node
     */
    public static UnconditionalSpec spec() {
        return InvertibleSigmoid::new;
    }

    /** σ forward, the logit in reverse (after checking the range). */
    @Override
    public FlowResult forward(List<Tensor> x, List<Tensor> c, boolean reverse, boolean computeLogDet) {
        Tensor in = x.get(0);
        int batch = in.size(0);
        if (!reverse) {
            Tensor logDerivative = in.logSigmoid().add(in.neg().logSigmoid());
            return FlowResult.of(in.sigmoid(), logDerivative.reshape(batch, -1).sum(1));
        }
        requireOpenUnitInterval(in);
        Tensor logY = in.log();
        Tensor logOneMinusY = in.neg().log1p();
        return FlowResult.of(logY.sub(logOneMinusY), logY.add(logOneMinusY).reshape(batch, -1).sum(1).neg());
    }

    /** The input shape. */
    @Override
    public List<Shape> outputDims(List<Shape> inputDims) {
        return List.of(SingleInput.of("InvertibleSigmoid", inputDims));
    }

    private void requireOpenUnitInterval(Tensor y) {
        double[] v = y.detach().toDoubleArray();
        int bad = 0;
        double example = 0;
        for (double value : v) {
            if (!(value > 0 && value < 1)) {
                if (bad == 0) {
                    example = value;
                }
                bad++;
            }
        }
        if (bad > 0) {
            throw new IllegalArgumentException(describe() + ": the inverse sigmoid is defined on (0, 1) only, but "
                    + bad + " of " + v.length + " input values are outside it (e.g. " + example + ")");
        }
    }
}
