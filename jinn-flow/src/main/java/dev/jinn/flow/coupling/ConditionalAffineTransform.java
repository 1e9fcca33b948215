package dev.jinn.flow.coupling;

import dev.jinn.flow.FlowResult;
import dev.jinn.flow.Shape;
import dev.jinn.nn.Layer;
import dev.jinn.tensor.Tensor;
import java.util.List;

/**
 * An affine map of the whole input whose coefficients come from the conditions only (as SPADE's conditioning
 * layers, Park et al. 2019), FrEIA's {@code ConditionalAffineTransform}:
 * <pre>
 *   [r, t] = subnet(cat(c0, c1, …)),   s = clamp·f(r)
 *   y = e^{s} ⊙ x + t
 * </pre>
 * ({@code r}, {@code t}: the first and second {@code C} output channels). Log-det {@code Σ s} over all non-batch
 * axes; inverse {@code x = (y − t) ⊙ e^{−s}}, log-det {@code −Σ s}.
 *
 * <p>At least one condition is required (a clear error otherwise), each with the input's non-channel dims.
 * Subnet {@code subnet}: {@code Σkᵢ → 2C} channels. The split setting is accepted and range-checked for
 * FrEIA compatibility but has no effect: the whole input is transformed.
 */
public final class ConditionalAffineTransform extends CouplingBlock {
    private final Layer subnet;

    private ConditionalAffineTransform(List<Shape> dimsIn, List<Shape> dimsC, AffineCouplingBuilder<?> b) {
        super(dimsIn, dimsC, b.split(), b.clampValue(), b.clampFunction());
        if (dimsC.isEmpty()) {
            throw new IllegalArgumentException(getClass().getSimpleName() + dimsIn
                    + " must have a condition: its scale and shift are computed from the conditions only, but dimsC"
                    + " is empty");
        }
        this.subnet = registerModule("subnet", b.subnetConstructor(getClass().getSimpleName())
                .build(conditionChannels(), 2 * channels()));
    }

    /**
     * A builder with FrEIA's defaults (clamp 2, ATAN); a subnet is required, and the block needs a condition.
     *
     * @return the builder
     */
    public static AffineCouplingSpec<ConditionalAffineTransform> builder() {
        return new AffineCouplingSpec<>(ConditionalAffineTransform::new);
    }

    @Override
    public FlowResult forward(List<Tensor> x, List<Tensor> c, boolean reverse, boolean computeLogDet) {
        Tensor in = singleInput(x);
        if (c.size() != dimsC().size()) {
            throw new IllegalArgumentException(describe() + ": expected " + dimsC().size() + " condition(s) "
                    + dimsC() + ", got " + c.size());
        }
        Tensor cond = c.size() == 1 ? c.get(0) : Tensor.cat(c, 1);
        Tensor a = subnet.forward(cond);
        int n = channels();
        return clampedAffine(in, a.narrow(1, 0, n), a.narrow(1, n, n), reverse);
    }
}
