package dev.jinn.flow.coupling;

import dev.jinn.flow.FlowResult;
import dev.jinn.flow.Shape;
import dev.jinn.flow.SubnetConstructor;
import dev.jinn.nn.Layer;
import dev.jinn.tensor.Tensor;
import java.util.List;

/**
 * The two-sided affine coupling where one subnet per step predicts scale and shift together (GLOW and GIN):
 * {@code subnet1}: {@code len1 + Σkᵢ → 2·len2}, used by the second step; {@code subnet2}:
 * {@code len2 + Σkᵢ → 2·len1}, used by the first. The first half of a subnet's output channels is the raw
 * log-scale, the second half the shift. A volume-preserving block (GIN) centres each log-scale over the
 * channel axis and reports a log-det of 0.
 */
abstract class JointAffineCoupling extends TwoSidedCouplingBlock {
    private final Layer subnet1;
    private final Layer subnet2;
    private final boolean volumePreserving;

    JointAffineCoupling(List<Shape> dimsIn, List<Shape> dimsC, AffineCouplingBuilder<?> b, boolean volumePreserving) {
        super(dimsIn, dimsC, b.split(), b.clampValue(), b.clampFunction());
        SubnetConstructor subnet = b.subnetConstructor(getClass().getSimpleName());
        this.subnet1 = registerModule("subnet1", subnet.build(splitLen1() + conditionChannels(), 2 * splitLen2()));
        this.subnet2 = registerModule("subnet2", subnet.build(splitLen2() + conditionChannels(), 2 * splitLen1()));
        this.volumePreserving = volumePreserving;
    }

    @Override
    protected final FlowResult coupling1(Tensor x1, Tensor u2, boolean reverse) {
        return step(subnet2, x1, u2, reverse);
    }

    @Override
    protected final FlowResult coupling2(Tensor x2, Tensor u1, boolean reverse) {
        return step(subnet1, x2, u1, reverse);
    }

    private FlowResult step(Layer subnet, Tensor active, Tensor conditioner, boolean reverse) {
        int n = active.size(1);
        Tensor a = subnet.forward(conditioner);
        Tensor t = a.narrow(1, n, n);
        if (!volumePreserving) {
            return clampedAffine(active, a.narrow(1, 0, n), t, reverse);
        }
        Tensor s = logScale(a.narrow(1, 0, n));
        // Centring over the channel axis makes Σ s = 0 at every pixel, so the step keeps volume exactly; FrEIA
        // reports 0 rather than the rounding residue of Σ s, and so does jinn.
        s = s.sub(s.mean(new int[] {1}, true));
        return FlowResult.of(affine(active, s, t, reverse).output(), zeroLogDet(active));
    }
}
