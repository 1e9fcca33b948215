package dev.jinn.flow.coupling;

import dev.jinn.flow.FlowResult;
import dev.jinn.flow.Shape;
import dev.jinn.nn.Layer;
import dev.jinn.tensor.Tensor;
import java.util.List;

/**
 * The additive coupling block of NICE (Dinh et al. 2015), FrEIA's {@code NICECouplingBlock}:
 * <pre>
 *   y1 = x1 + F([x2, c])
 *   y2 = x2 + G([y1, c])
 * </pre>
 * inverse {@code x2 = y2 − G([y1, c])}, {@code x1 = y1 − F([x2, c])}. Volume-preserving: the log-det is 0.
 *
 * <p>Subnets (state-dict prefixes as FrEIA's): {@code F}: {@code len2 + Σkᵢ → len1} channels, {@code G}:
 * {@code len1 + Σkᵢ → len2}. Split and conditions as in {@link CouplingBlock}. Built with
 * {@code NICECouplingBlock.builder().subnet(Subnets.mlp(64)).splitLen(0.5)}.
 */
public final class NICECouplingBlock extends TwoSidedCouplingBlock {
    private final Layer f;
    private final Layer g;

    private NICECouplingBlock(List<Shape> dimsIn, List<Shape> dimsC, Builder b) {
        // NICE has no scale, hence no clamp; FrEIA passes clamp 0 and the identity, which are never used.
        super(dimsIn, dimsC, b.split(), 0.0, ClampActivation.custom("none", u -> u));
        var subnet = b.subnetConstructor(getClass().getSimpleName());
        this.f = registerModule("F", subnet.build(splitLen2() + conditionChannels(), splitLen1()));
        this.g = registerModule("G", subnet.build(splitLen1() + conditionChannels(), splitLen2()));
    }

    /**
     * A builder with FrEIA's defaults ({@code split_len=0.5}); a subnet is required.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    protected FlowResult coupling1(Tensor x1, Tensor u2, boolean reverse) {
        Tensor shift = f.forward(u2);
        return FlowResult.of(reverse ? x1.sub(shift) : x1.add(shift), zeroLogDet(x1));
    }

    @Override
    protected FlowResult coupling2(Tensor x2, Tensor u1, boolean reverse) {
        Tensor shift = g.forward(u1);
        return FlowResult.of(reverse ? x2.sub(shift) : x2.add(shift), zeroLogDet(x2));
    }

    /** Builds {@link NICECouplingBlock}s: subnet and split. */
    public static final class Builder extends CouplingBlockBuilder<Builder> {
        private Builder() {
        }

        @Override
        protected Builder self() {
            return this;
        }

        @Override
        public NICECouplingBlock build(List<Shape> dimsIn, List<Shape> dimsC) {
            return new NICECouplingBlock(dimsIn, dimsC, this);
        }
    }
}
