package dev.jinn.flow.spline;

import dev.jinn.tensor.DType;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The configuration of a binned spline (FrEIA's {@code BinnedSplineBase} arguments): how many bins, how small a
 * bin may get, the default domain a zero network output gives, and what happens outside the domain.
 *
 * <ul>
 *   <li>{@code bins} ≥ 1 (FrEIA default 10);</li>
 *   <li>{@code minBinWidth}, {@code minBinHeight} ≥ 0 (default 0.1 each): no bin is narrower or lower;</li>
 *   <li>the default domain {@code [left, right] × [bottom, top]} (default {@code [−3, 3]²}), increasing in both
 *       axes and wide enough for {@code bins} bins of the minimum size;</li>
 *   <li>{@code identityTails}: the spline is the identity outside its domain, the domain is the square
 *       {@code [−T/2, T/2]²} with a learned total width {@code T} (default false: affine tails);</li>
 *   <li>{@code domainClamping} (null: none): widths and heights are rescaled so the domain's size {@code W}
 *       becomes {@code D·tanh(W/D)}, i.e. stays below {@code D}.</li>
 * </ul>
 * A module keeps these values as persistent buffers under FrEIA's names ({@link #buffers()}), so FrEIA state
 * dicts load and a loaded configuration is the one used; {@code domainClamping} is a plain attribute in FrEIA
 * and is not part of the state.
 *
 * @param bins           the number of bins
 * @param minBinWidth    the smallest bin width
 * @param minBinHeight   the smallest bin height
 * @param left           the default domain's left end
 * @param right          the default domain's right end
 * @param bottom         the default domain's bottom
 * @param top            the default domain's top
 * @param identityTails  whether the tails are the identity (else affine)
 * @param domainClamping the domain clamp {@code D > 0}, or null for none
 */
public record BinSettings(int bins, double minBinWidth, double minBinHeight, double left, double right, double bottom,
        double top, boolean identityTails, Double domainClamping) {

    /** FrEIA's defaults: 10 bins, minimum sizes 0.1, domain {@code [−3, 3]²}, affine tails, no clamping. */
    public static final BinSettings DEFAULTS = new BinSettings(10, 0.1, 0.1, -3, 3, -3, 3, false, null);

    /**
     * Validates the configuration as FrEIA asserts it.
     *
     * @param bins           the number of bins
     * @param minBinWidth    the smallest bin width
     * @param minBinHeight   the smallest bin height
     * @param left           the default domain's left end
     * @param right          the default domain's right end
     * @param bottom         the default domain's bottom
     * @param top            the default domain's top
     * @param identityTails  whether the tails are the identity
     * @param domainClamping the domain clamp, or null
     * @throws IllegalArgumentException for fewer than one bin, a negative minimum size, a domain that does not
     *                                  increase or is too small for the bins, or a non-positive clamp
     */
    public BinSettings {
        String who = "spline settings";
        if (bins < 1) {
            throw new IllegalArgumentException(who + ": need at least one bin, got bins=" + bins);
        }
        if (!(minBinWidth >= 0) || !(minBinHeight >= 0)) {
            throw new IllegalArgumentException(who + ": minimum bin sizes cannot be negative, got ("
                    + minBinWidth + ", " + minBinHeight + ")");
        }
        if (!(right > left)) {
            throw new IllegalArgumentException(who + ": the x domain must be increasing, got left=" + left
                    + ", right=" + right);
        }
        if (!(top > bottom)) {
            throw new IllegalArgumentException(who + ": the y domain must be increasing, got bottom=" + bottom
                    + ", top=" + top);
        }
        if (right - left < minBinWidth * bins) {
            throw new IllegalArgumentException(who + ": " + bins + " bins of width at least " + minBinWidth
                    + " do not fit in the x domain [" + left + ", " + right + "] of width " + (right - left));
        }
        if (top - bottom < minBinHeight * bins) {
            throw new IllegalArgumentException(who + ": " + bins + " bins of height at least " + minBinHeight
                    + " do not fit in the y domain [" + bottom + ", " + top + "] of height " + (top - bottom));
        }
        if (domainClamping != null && !(domainClamping > 0 && Double.isFinite(domainClamping))) {
            throw new IllegalArgumentException(who + ": domain clamping must be positive and finite (or null for"
                    + " none), got " + domainClamping);
        }
    }

    /**
     * A builder starting from {@link #DEFAULTS}; nothing is validated before {@link Builder#build()}, so the
     * setters can be called in any order.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Collects spline settings (FrEIA's keyword arguments) and validates them together. */
    public static final class Builder {
        private int bins = DEFAULTS.bins;
        private double minBinWidth = DEFAULTS.minBinWidth;
        private double minBinHeight = DEFAULTS.minBinHeight;
        private double[] domain = {DEFAULTS.left, DEFAULTS.right, DEFAULTS.bottom, DEFAULTS.top};
        private boolean identityTails = DEFAULTS.identityTails;
        private Double domainClamping = DEFAULTS.domainClamping;

        private Builder() {
        }

        /**
         * The number of bins (default 10).
         *
         * @param n at least 1
         * @return this builder
         */
        public Builder bins(int n) {
            this.bins = n;
            return this;
        }

        /**
         * The smallest bin width and height (default 0.1 each).
         *
         * @param width  at least 0
         * @param height at least 0
         * @return this builder
         */
        public Builder minBinSizes(double width, double height) {
            this.minBinWidth = width;
            this.minBinHeight = height;
            return this;
        }

        /**
         * The default domain {@code [left, right] × [bottom, top]} (default {@code (−3, 3, −3, 3)}).
         *
         * @param left   the left end
         * @param right  the right end, above {@code left}
         * @param bottom the bottom
         * @param top    the top, above {@code bottom}
         * @return this builder
         */
        public Builder defaultDomain(double left, double right, double bottom, double top) {
            this.domain = new double[] {left, right, bottom, top};
            return this;
        }

        /**
         * Identity (true) or affine (false, the default) tails.
         *
         * @param identity whether the tails are the identity
         * @return this builder
         */
        public Builder identityTails(boolean identity) {
            this.identityTails = identity;
            return this;
        }

        /**
         * Clamps the domain's size below {@code D} (default: no clamping).
         *
         * @param clamp {@code D > 0}, or null for none
         * @return this builder
         */
        public Builder domainClamping(Double clamp) {
            this.domainClamping = clamp;
            return this;
        }

        /**
         * Validates and returns the settings.
         *
         * @return the settings
         * @throws IllegalArgumentException as {@link BinSettings#BinSettings} does
         */
        public BinSettings build() {
            return new BinSettings(bins, minBinWidth, minBinHeight, domain[0], domain[1], domain[2], domain[3],
                    identityTails, domainClamping);
        }

        /**
         * Validates and returns the settings for a module, whose name then starts any error message.
         *
         * @param who the module's name
         * @return the settings
         * @throws IllegalArgumentException naming {@code who} when the settings are invalid
         */
        public BinSettings build(String who) {
            try {
                return build();
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(who + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * The width of the default x domain, {@code right − left} (FrEIA's {@code default_width}, the scale of the
     * total width with identity tails).
     *
     * @return the width
     */
    public double defaultWidth() {
        return right - left;
    }

    /**
     * The number of raw values a spline of these settings takes per transformed element: widths and heights
     * ({@code bins} each), then {@code bottom} and {@code left} (or, with identity tails, {@code total_width}),
     * then the interpolation's own ({@link KnotInterpolation#extraParameterCount(int)}).
     *
     * @param interpolation the map inside each bin
     * @return the count P
     */
    public int parameterCount(KnotInterpolation interpolation) {
        return 2 * bins + (identityTails ? 1 : 2) + interpolation.extraParameterCount(bins);
    }

    /**
     * The configuration as FrEIA's persistent buffers, in FrEIA's order: {@code bins} (int64 scalar),
     * {@code min_bin_sizes} {@code [2]}, {@code default_domain} {@code [4]}, {@code identity_tails} (bool
     * scalar), {@code default_width} (scalar); floating ones in float32, as PyTorch creates them.
     *
     * @return name → new tensor
     */
    public Map<String, Tensor> buffers() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put("bins", Tensors.scalar(bins, DType.INT64));
        out.put("min_bin_sizes", Tensors.of(new float[] {(float) minBinWidth, (float) minBinHeight}, 2));
        out.put("default_domain", Tensors.of(new float[] {(float) left, (float) right, (float) bottom, (float) top}, 4));
        out.put("identity_tails", Tensors.scalar(identityTails ? 1 : 0, DType.BOOL));
        out.put("default_width", Tensors.scalar(right - left, DType.FLOAT32));
        return out;
    }

    /**
     * Reads settings back from the buffers written by {@link #buffers()} (possibly replaced by a loaded state
     * dict), so that a module uses the configuration it holds.
     *
     * @param buffer         looks a buffer up by name (e.g. {@code module::buffer})
     * @param domainClamping the domain clamp, which is not stored
     * @param expectedBins   the bin count the module's parameter layout was built for
     * @return the settings
     * @throws IllegalArgumentException if the stored bin count differs from {@code expectedBins} or the stored
     *                                  values are not a valid configuration
     */
    public static BinSettings fromBuffers(Function<String, Tensor> buffer, Double domainClamping, int expectedBins) {
        int n = (int) buffer.apply("bins").item();
        if (n != expectedBins) {
            throw new IllegalArgumentException("BinSettings: the buffer 'bins' holds " + n + ", but the spline's"
                    + " parameter layout was built for " + expectedBins + " bins");
        }
        double[] min = buffer.apply("min_bin_sizes").toDoubleArray();
        double[] dom = buffer.apply("default_domain").toDoubleArray();
        boolean identity = buffer.apply("identity_tails").item() != 0;
        return new BinSettings(n, min[0], min[1], dom[0], dom[1], dom[2], dom[3], identity, domainClamping);
    }
}
