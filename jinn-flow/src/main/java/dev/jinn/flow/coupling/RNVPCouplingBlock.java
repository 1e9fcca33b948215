package dev.jinn.flow.coupling;

import dev.jinn.flow.FlowResult;
import dev.jinn.flow.Shape;
import dev.jinn.flow.SubnetConstructor;
import dev.jinn.nn.Layer;
import dev.jinn.tensor.Tensor;
import java.util.List;

/**
 * The affine coupling block of RealNVP (Dinh et al. 2017), FrEIA's {@code RNVPCouplingBlock}, with separate
 * subnets for scale and shift:
 * <pre>
 *   s2 = clamp·f(subnet_s2(u)),  t2 = subnet_t2(u),  u = [x2, c]:   y1 = e^{s2} ⊙ x1 + t2
 *   s1 = clamp·f(subnet_s1(v)),  t1 = subnet_t1(v),  v = [y1, c]:   y2 = e^{s1} ⊙ x2 + t1
 * </pre>
 * log-det {@code Σ s2 + Σ s1} (sums over all non-batch axes); the inverse undoes the second step first,
 * {@code x2 = (y2 − t1) ⊙ e^{−s1}}, then {@code x1 = (y1 − t2) ⊙ e^{−s2}}, log-det negated.
 *
 * <p>Subnets (FrEIA's names): {@code subnet_s1}, {@code subnet_t1}: {@code len1 + Σkᵢ → len2} channels, used by
 * the second step; {@code subnet_s2}, {@code subnet_t2}: {@code len2 + Σkᵢ → len1}, used by the first. Clamp
 * ({@link ClampActivation}), split and conditions as in {@link CouplingBlock}.
 */
public final class RNVPCouplingBlock extends TwoSidedCouplingBlock {
    private final Layer s1;
    private final Layer t1;
    private final Layer s2;
    private final Layer t2;

    private RNVPCouplingBlock(List<Shape> dimsIn, List<Shape> dimsC, AffineCouplingBuilder<?> b) {
        super(dimsIn, dimsC, b.split(), b.clampValue(), b.clampFunction());
        SubnetConstructor subnet = b.subnetConstructor(getClass().getSimpleName());
        int in1 = splitLen1() + conditionChannels();
        int in2 = splitLen2() + conditionChannels();
        this.s1 = registerModule("subnet_s1", subnet.build(in1, splitLen2()));
        this.t1 = registerModule("subnet_t1", subnet.build(in1, splitLen2()));
        this.s2 = registerModule("subnet_s2", subnet.build(in2, splitLen1()));
        this.t2 = registerModule("subnet_t2", subnet.build(in2, splitLen1()));
    }

    /**
     * A builder with FrEIA's defaults (clamp 2, ATAN, split 0.5); a subnet is required.
     *
     * @return the builder
     */
    public static AffineCouplingSpec<RNVPCouplingBlock> builder() {
        return new AffineCouplingSpec<>(RNVPCouplingBlock::new);
    }

    @Override
    protected FlowResult coupling1(Tensor x1, Tensor u2, boolean reverse) {
        return clampedAffine(x1, s2.forward(u2), t2.forward(u2), reverse);
    }

    @Override
    protected FlowResult coupling2(Tensor x2, Tensor u1, boolean reverse) {
        return clampedAffine(x2, s1.forward(u1), t1.forward(u1), reverse);
    }
}
