package dev.jinn.flow.elementwise;

import dev.jinn.flow.FlowResult;
import dev.jinn.flow.InvertibleModule;
import dev.jinn.flow.Shape;
import dev.jinn.flow.SingleInput;
import dev.jinn.flow.UnconditionalSpec;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.util.List;

/**
 * A learned positive scale for every element, FrEIA's {@code LearnedElementwiseScaling} (per element, not per
 * channel).
 *
 * <p>Formula: {@code y = x ⊙ e^s}, reverse {@code x = y ⊙ e^{−s}}, with the parameter {@code s} of shape
 * {@code (1, dims…)} initialised to {@code ln(initScale)}. Log-det: {@code Σ s} forward, {@code −Σ s} reverse.
 *
 * <p>Difference from FrEIA: FrEIA returns {@code +Σ s} in reverse too (a sign bug); jinn returns the log-det of
 * the inverse map.
 */
public final class LearnedElementwiseScaling extends InvertibleModule {
    /**
     * The scaling with initial scale 1.
     *
     * @param dimsIn one input shape
     */
    public LearnedElementwiseScaling(List<Shape> dimsIn) {
        this(dimsIn, 1.0);
    }

    /**
     * The scaling.
     *
     * @param dimsIn    one input shape
     * @param initScale the initial scale of every element, positive
     */
    public LearnedElementwiseScaling(List<Shape> dimsIn, double initScale) {
        super(dimsIn, List.of());
        Shape in = SingleInput.of("LearnedElementwiseScaling", dimsIn);
        if (!(initScale > 0) || !Double.isFinite(initScale)) {
            throw new IllegalArgumentException("LearnedElementwiseScaling: initScale must be positive and finite, got "
                    + initScale);
        }
        registerParameter("s", Tensors.full(Math.log(initScale), in.withBatch(1)));
    }

    /**
     * The spec with initial scale 1.
     *
     * @return a spec for {@code SequenceINN.append} or a graph node
     */
    public static UnconditionalSpec spec() {
        return spec(1.0);
    }

    /**
     * The spec with a chosen initial scale.
     *
     * @param initScale the initial scale, positive
     * @return a spec for {@code SequenceINN.append} or a graph node
     */
    public static UnconditionalSpec spec(double initScale) {
        return in -> new LearnedElementwiseScaling(in, initScale);
    }

    /** Multiplies by {@code e^s} (forward) or {@code e^{−s}} (reverse). */
    @Override
    public FlowResult forward(List<Tensor> x, List<Tensor> c, boolean reverse, boolean computeLogDet) {
        Tensor in = x.get(0);
        Tensor s = reverse ? parameter("s").neg() : parameter("s");
        return FlowResult.of(in.mul(s.exp()), s.sum().expand(in.size(0)));
    }

    /** The input shape. */
    @Override
    public List<Shape> outputDims(List<Shape> inputDims) {
        return List.of(SingleInput.of("LearnedElementwiseScaling", inputDims));
    }
}
