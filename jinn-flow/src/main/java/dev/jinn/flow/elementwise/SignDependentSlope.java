package dev.jinn.flow.elementwise;

import dev.jinn.flow.FlowResult;
import dev.jinn.flow.InvertibleModule;
import dev.jinn.flow.Shape;
import dev.jinn.flow.SingleInput;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.util.Arrays;
import java.util.List;

/**
 * What FrEIA's invertible leaky-ReLU-like activations share: {@code y = x ⊙ e^{ℓ(sign x)}} with a per-channel
 * log-slope ℓ that depends only on the sign of x. Because the slope is positive, y has the sign of x, so the
 * reverse evaluates the same ℓ on y and divides: {@code x = y ⊙ e^{−ℓ(sign y)}}. The Jacobian is diagonal with
 * entries {@code e^ℓ}, so the log-det is {@code Σ ℓ} over all non-batch axes (negated in reverse).
 *
 * <p>The slope parameters have shape {@code (1, C, 1, …)}; when not learnable they are persistent buffers of the
 * same names (FrEIA's parameters with {@code requires_grad=False}).
 */
abstract class SignDependentSlope extends InvertibleModule {
    private final boolean learnable;
    private final int[] perChannel;

    /**
     * Checks the input.
     *
     * @param dimsIn    one input shape {@code (C, …)}
     * @param learnable whether the slopes are trained
     */
    SignDependentSlope(List<Shape> dimsIn, boolean learnable) {
        super(dimsIn, List.of());
        Shape in = SingleInput.of(getClass().getSimpleName(), dimsIn);
        this.learnable = learnable;
        this.perChannel = new int[in.rank() + 1];
        Arrays.fill(perChannel, 1);
        perChannel[1] = in.channels();
    }

    /**
     * Registers a log-slope tensor of shape {@code (1, C, 1, …)} filled with {@code ln(slope)}, as a parameter or
     * (not learnable) a persistent buffer.
     *
     * @param name  FrEIA's name
     * @param slope the initial slope, positive
     */
    final void registerLogSlope(String name, double slope) {
        if (!(slope > 0) || !Double.isFinite(slope)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": the initial slope '" + name
                    + "' must be positive and finite, got " + slope);
        }
        Tensor value = Tensors.full(Math.log(slope), perChannel);
        if (learnable) {
            registerParameter(name, value);
        } else {
            registerBuffer(name, value, true);
        }
    }

    /**
     * A registered log-slope.
     *
     * @param name its name
     * @return the parameter or buffer
     */
    final Tensor logSlope(String name) {
        return learnable ? parameter(name) : buffer(name);
    }

    /**
     * Whether the slopes are trained.
     *
     * @return FrEIA's {@code learnable}
     */
    public final boolean learnable() {
        return learnable;
    }

    /**
     * The elementwise log-slope for values of a given sign.
     *
     * @param sign {@code sign(x)}: −1, 0 or 1 per element
     * @return ℓ, broadcastable to the input
     */
    abstract Tensor logSlopeFor(Tensor sign);

    /** Scales by {@code e^ℓ} (forward) or {@code e^{−ℓ}} (reverse). */
    @Override
    public FlowResult forward(List<Tensor> x, List<Tensor> c, boolean reverse, boolean computeLogDet) {
        Tensor in = x.get(0);
        Tensor l = logSlopeFor(in.sign()).expand(in.shape());
        if (reverse) {
            l = l.neg();
        }
        return FlowResult.of(in.mul(l.exp()), l.reshape(in.size(0), -1).sum(1));
    }

    /** The input shape. */
    @Override
    public List<Shape> outputDims(List<Shape> inputDims) {
        return List.of(SingleInput.of(getClass().getSimpleName(), inputDims));
    }
}
