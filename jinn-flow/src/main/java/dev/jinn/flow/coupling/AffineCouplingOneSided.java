package dev.jinn.flow.coupling;

import dev.jinn.flow.FlowResult;
import dev.jinn.flow.Shape;
import dev.jinn.nn.Layer;
import dev.jinn.tensor.Tensor;
import java.util.List;

/**
 * Half a GLOW coupling, FrEIA's {@code AffineCouplingOneSided}: only the second half is transformed, from the
 * first,
 * <pre>
 *   [r, t] = subnet([x1, c]),   s = clamp·f(r)
 *   y = cat(x1, e^{s} ⊙ x2 + t)
 * </pre>
 * ({@code r}, {@code t}: the first and second {@code len2} output channels). Log-det {@code Σ s} over all
 * non-batch axes; inverse {@code x2 = (y2 − t) ⊙ e^{−s}} with log-det {@code −Σ s}. Meant to be alternated with
 * permutations or orthogonal transforms, so that every dimension gets transformed.
 *
 * <p>Subnet {@code subnet}: {@code len1 + Σkᵢ → 2·len2} channels. Clamp, split and conditions as in
 * {@link CouplingBlock}.
 */
public final class AffineCouplingOneSided extends CouplingBlock {
    private final Layer subnet;

    private AffineCouplingOneSided(List<Shape> dimsIn, List<Shape> dimsC, AffineCouplingBuilder<?> b) {
        super(dimsIn, dimsC, b.split(), b.clampValue(), b.clampFunction());
        this.subnet = registerModule("subnet", b.subnetConstructor(getClass().getSimpleName())
                .build(splitLen1() + conditionChannels(), 2 * splitLen2()));
    }

    /**
     * A builder with FrEIA's defaults (clamp 2, ATAN, split 0.5); a subnet is required.
     *
     * @return the builder
     */
    public static AffineCouplingSpec<AffineCouplingOneSided> builder() {
        return new AffineCouplingSpec<>(AffineCouplingOneSided::new);
    }

    @Override
    public FlowResult forward(List<Tensor> x, List<Tensor> c, boolean reverse, boolean computeLogDet) {
        List<Tensor> halves = split(singleInput(x));
        Tensor x1 = halves.get(0);
        Tensor a = subnet.forward(withConditions(x1, c));
        int n = splitLen2();
        FlowResult r = clampedAffine(halves.get(1), a.narrow(1, 0, n), a.narrow(1, n, n), reverse);
        return FlowResult.of(Tensor.cat(List.of(x1, r.output()), 1), r.logDet());
    }
}
