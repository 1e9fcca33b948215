package dev.jinn.flow.spline;

import dev.jinn.flow.FlowResult;
import dev.jinn.flow.InvertibleModule;
import dev.jinn.flow.ModuleSpec;
import dev.jinn.flow.Shape;
import dev.jinn.flow.SubnetConstructor;
import dev.jinn.nn.Layer;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * A rational-quadratic spline applied to every element of the input (FrEIA's
 * {@code ElementwiseRationalQuadraticSpline}): each channel (and pixel) gets its own monotone spline, the same for
 * every sample unless the block is conditional.
 *
 * <p>{@code y_i = f_i(x_i)} with {@code f_i} the spline of {@link RationalQuadraticInterpolation} on the bins of
 * {@link BinnedSpline}; log-det {@code Σ_i ln f_i'(x_i)} over all non-batch axes; the inverse applies
 * {@code f_i⁻¹} and returns minus the log-det at the recovered input.
 *
 * <p>Spline parameters ({@code P = 3·bins + 1} per element with affine tails, {@code 3·bins} with identity tails;
 * channel {@code k·P + j} is parameter j of channel k):
 * <ul>
 *   <li>unconditional: a learned parameter {@code spline_parameters} of shape {@code (C·P, …)} (the input's
 *       non-channel axes), initialised to 0, so the block starts as the identity for the default domain;</li>
 *   <li>conditional: {@code subnet = constructor(Σ cond channels, C·P)} applied to the conditions concatenated
 *       along the channel axis; every condition must have the input's non-channel axes.</li>
 * </ul>
 * The spline settings are stored as FrEIA's buffers ({@code bins}, {@code min_bin_sizes}, {@code default_domain},
 * {@code identity_tails}, {@code default_width}; see {@link BinSettings#buffers()}), and read back at every call.
 * Unlike FrEIA, the conditions are not cast to float32 before the subnet (a float64 module stays float64).
 */
public final class ElementwiseRationalQuadraticSpline extends InvertibleModule {
    private final int bins;
    private final Double domainClamping;
    private final Layer subnet;

    /**
     * Builds the block.
     *
     * @param dimsIn   one input shape {@code (C, …)}
     * @param dimsC    condition shapes {@code (k, …)} with the input's non-channel axes (empty: unconditional)
     * @param subnet   the subnet constructor (required when conditional, ignored otherwise)
     * @param settings the spline settings
     * @throws IllegalArgumentException for several inputs, conditions of the wrong shape or a missing subnet
     */
    public ElementwiseRationalQuadraticSpline(List<Shape> dimsIn, List<Shape> dimsC, SubnetConstructor subnet,
            BinSettings settings) {
        super(dimsIn, dimsC);
        String who = getClass().getSimpleName();
        if (dimsIn.size() != 1) {
            throw new IllegalArgumentException(who + " takes exactly one input, got " + dimsIn.size() + ": " + dimsIn);
        }
        if (settings == null) {
            throw new IllegalArgumentException(who + ": settings are required");
        }
        Shape in = dimsIn.get(0);
        int[] spatial = Arrays.copyOfRange(in.dims(), 1, in.rank());
        int conditionChannels = 0;
        for (int i = 0; i < dimsC.size(); i++) {
            Shape c = dimsC.get(i);
            if (!Arrays.equals(Arrays.copyOfRange(c.dims(), 1, c.rank()), spatial)) {
                throw new IllegalArgumentException(who + ": condition " + i + " has shape " + c + ", but conditions"
                        + " must have the input's non-channel dims " + Arrays.toString(spatial) + " (input " + in
                        + ")");
            }
            conditionChannels += c.channels();
        }
        this.bins = settings.bins();
        this.domainClamping = settings.domainClamping();
        settings.buffers().forEach((name, value) -> registerBuffer(name, value, true));
        int outChannels = in.channels() * settings.parameterCount(RationalQuadraticInterpolation.INSTANCE);
        if (!dimsC.isEmpty()) {
            if (subnet == null) {
                throw new IllegalArgumentException(who + ": a conditional spline needs a subnet constructor, which"
                        + " maps the conditions to the spline parameters");
            }
            this.subnet = registerModule("subnet", subnet.build(conditionChannels, outChannels));
        } else {
            this.subnet = null;
            int[] shape = in.dims();
            shape[0] = outChannels;
            registerParameter("spline_parameters", Tensors.zeros(shape));
        }
    }

    /**
     * A builder with FrEIA's defaults; it is the {@link ModuleSpec} to append to a flow.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Whether the spline parameters come from the conditions.
     *
     * @return true if built with conditions
     */
    public boolean isConditional() {
        return subnet != null;
    }

    /**
     * The spline settings the block uses (read from its buffers).
     *
     * @return the settings
     */
    public BinSettings settings() {
        return BinSettings.fromBuffers(this::buffer, domainClamping, bins);
    }

    @Override
    public FlowResult forward(List<Tensor> x, List<Tensor> c, boolean reverse, boolean computeLogDet) {
        Tensor in = x.get(0);
        Tensor raw;
        if (subnet != null) {
            raw = subnet.forward(c.size() == 1 ? c.get(0) : Tensor.cat(c, 1));
        } else {
            Tensor p = parameter("spline_parameters");
            int[] shape = p.shape();
            int[] batched = new int[shape.length + 1];
            batched[0] = in.size(0);
            System.arraycopy(shape, 0, batched, 1, shape.length);
            raw = p.unsqueeze(0).expand(batched);
        }
        return new BinnedSpline(settings(), RationalQuadraticInterpolation.INSTANCE).apply(in, raw, reverse);
    }

    /**
     * The output shape equals the input shape.
     *
     * @param inputDims one shape
     * @return the same shapes
     */
    @Override
    public List<Shape> outputDims(List<Shape> inputDims) {
        return inputDims;
    }

    /** Builds {@link ElementwiseRationalQuadraticSpline}s: the subnet (for conditional use) and spline settings. */
    public static final class Builder implements ModuleSpec, SplineOptions<Builder> {
        private final BinSettings.Builder settings = BinSettings.builder();
        private SubnetConstructor subnet;

        private Builder() {
        }

        /**
         * The constructor of the subnet that maps the conditions to the spline parameters (needed only when the
         * block is conditional).
         *
         * @param constructor e.g. {@code Subnets.mlp(64)}
         * @return this builder
         */
        public Builder subnet(SubnetConstructor constructor) {
            this.subnet = constructor;
            return this;
        }

        @Override
        public Builder configureBins(Consumer<BinSettings.Builder> change) {
            change.accept(settings);
            return this;
        }

        /**
         * Builds a block for the given shapes.
         *
         * @param dimsIn one input shape
         * @param dimsC  condition shapes (empty: unconditional)
         * @return the block
         * @throws IllegalArgumentException for invalid settings or shapes
         */
        @Override
        public ElementwiseRationalQuadraticSpline build(List<Shape> dimsIn, List<Shape> dimsC) {
            return new ElementwiseRationalQuadraticSpline(dimsIn, dimsC, subnet,
                    settings.build("ElementwiseRationalQuadraticSpline"));
        }
    }
}
