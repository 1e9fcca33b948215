package dev.jinn.flow.spline;

import dev.jinn.flow.FlowResult;
import dev.jinn.flow.Shape;
import dev.jinn.flow.SubnetConstructor;
import dev.jinn.flow.coupling.ClampActivation;
import dev.jinn.flow.coupling.CouplingBlockBuilder;
import dev.jinn.flow.coupling.SplitLength;
import dev.jinn.flow.coupling.TwoSidedCouplingBlock;
import dev.jinn.nn.Layer;
import dev.jinn.tensor.Tensor;
import java.util.List;
import java.util.function.Consumer;

/**
 * A two-sided coupling block whose halves are transformed by binned splines (FrEIA's {@code BinnedSpline}): the
 * common part of {@link RationalQuadraticSpline} and {@link LinearSpline}, which differ only in the
 * {@link KnotInterpolation} inside each bin.
 *
 * <p>With the split, conditions and order of {@link TwoSidedCouplingBlock}:
 * <pre>
 *   y1 = S(x1; subnet1([x2, c]))
 *   y2 = S(x2; subnet2([y1, c]))
 * </pre>
 * where {@code S(x; θ)} applies to each element its own spline with parameters θ (the layout and constraints of
 * {@link BinnedSpline}); log-det {@code Σ ln S'(x1) + Σ ln S'(x2)} over all non-batch axes. Reverse:
 * {@code x2 = S⁻¹(y2; subnet2([y1, c]))}, then {@code x1 = S⁻¹(y1; subnet1([x2, c]))}.
 *
 * <p>Subnets (FrEIA's names): {@code subnet1}: {@code len2 + Σkᵢ → len1·P} channels, used for the first half;
 * {@code subnet2}: {@code len1 + Σkᵢ → len2·P}, used for the second half — the opposite of GLOW, whose
 * {@code subnet1} transforms the second half. {@code P} is the number of spline parameters per element. The
 * settings are kept as FrEIA's buffers in the child module {@code spline_base} and read back at every call.
 */
public abstract class BinnedSplineCoupling extends TwoSidedCouplingBlock {
    private final KnotInterpolation interpolation;
    private final SplineBase splineBase;
    private final Layer subnet1;
    private final Layer subnet2;

    /**
     * Builds the block.
     *
     * @param dimsIn        one input shape {@code (C, …)}
     * @param dimsC         condition shapes with the input's non-channel axes
     * @param split         where to split the channels
     * @param subnet        the subnet constructor
     * @param settings      the spline settings
     * @param interpolation the map inside each bin
     * @throws IllegalArgumentException for invalid shapes, split or a missing subnet
     */
    protected BinnedSplineCoupling(List<Shape> dimsIn, List<Shape> dimsC, SplitLength split,
            SubnetConstructor subnet, BinSettings settings, KnotInterpolation interpolation) {
        // A spline has no affine scale to clamp; FrEIA passes clamp 0 and the identity, which are never used.
        super(dimsIn, dimsC, split, 0.0, ClampActivation.custom("none", u -> u));
        String who = getClass().getSimpleName();
        if (subnet == null) {
            throw new IllegalArgumentException(who + ": no subnet constructor given; call subnet(...), e.g. "
                    + "subnet(Subnets.mlp(64))");
        }
        this.interpolation = interpolation;
        this.splineBase = registerModule("spline_base", new SplineBase(settings));
        int p = settings.parameterCount(interpolation);
        this.subnet1 = registerModule("subnet1", subnet.build(splitLen2() + conditionChannels(), splitLen1() * p));
        this.subnet2 = registerModule("subnet2", subnet.build(splitLen1() + conditionChannels(), splitLen2() * p));
    }

    /**
     * The spline settings the block uses (read from {@code spline_base}'s buffers).
     *
     * @return the settings
     */
    public final BinSettings settings() {
        return splineBase.settings();
    }

    @Override
    protected final FlowResult coupling1(Tensor x1, Tensor u2, boolean reverse) {
        return new BinnedSpline(settings(), interpolation).apply(x1, subnet1.forward(u2), reverse);
    }

    @Override
    protected final FlowResult coupling2(Tensor x2, Tensor u1, boolean reverse) {
        return new BinnedSpline(settings(), interpolation).apply(x2, subnet2.forward(u1), reverse);
    }

    /**
     * The settings every spline coupling builder takes: subnet and split (from {@link CouplingBlockBuilder}) and
     * the spline settings (from {@link SplineOptions}).
     *
     * @param <B> the concrete builder
     */
    public abstract static class Builder<B extends Builder<B>> extends CouplingBlockBuilder<B>
            implements SplineOptions<B> {
        private final BinSettings.Builder settings = BinSettings.builder();

        /** A builder with FrEIA's defaults. */
        protected Builder() {
        }

        @Override
        public final B configureBins(Consumer<BinSettings.Builder> change) {
            change.accept(settings);
            return self();
        }

        /**
         * The validated spline settings.
         *
         * @param who the block, for error messages
         * @return the settings
         * @throws IllegalArgumentException when they are invalid
         */
        protected final BinSettings binSettings(String who) {
            return settings.build(who);
        }

        /**
         * The subnet constructor, which must have been given.
         *
         * @param who the block, for error messages
         * @return the constructor
         * @throws IllegalArgumentException when none was given
         */
        protected final SubnetConstructor subnetOrFail(String who) {
            return subnetConstructor(who);
        }

        /**
         * The split set so far (visible to the spline blocks of this package).
         *
         * @return the split
         */
        protected final SplitLength splitLength() {
            return split();
        }
    }
}
