package dev.jinn.nn;

import dev.jinn.tensor.Rng;
import java.util.function.Function;

/**
 * The options of a convolution layer ({@link Conv1d}, {@link Conv2d}, {@link ConvTranspose1d},
 * {@link ConvTranspose2d}), set as PyTorch's keyword arguments are and checked when the layer is built. Every layer
 * hands out its own subclass through its {@code builder(...)} methods; every setter returns that builder.
 *
 * <p>Per-dim options take an {@code int...}, as PyTorch takes an int or a tuple: one value is used for every
 * spatial dim ({@code stride(2)} is PyTorch's {@code stride=2}), or exactly one value per spatial dim
 * ({@code stride(2, 1)} is {@code stride=(2, 1)}); any other count is rejected at once. The defaults are PyTorch's:
 * {@code stride=1}, {@code padding=0}, {@code dilation=1}, {@code groups=1}, {@code bias=True}, and for the
 * transposed layers {@code output_padding=0} (see {@link Transposed}); the weights are drawn from
 * {@link Init#defaultRng()} unless {@link #rng(Rng)} names a generator. The ranges of the values (positive,
 * divisible, ...) are checked by {@link #build()}, with the same messages as the layers' constructors.
 *
 * <pre>{@code
 * Conv2d conv = Conv2d.builder(3, 16, 3).stride(2, 1).padding(1).bias(false).rng(new Rng(7)).build();
 * }</pre>
 *
 * @param <L> the layer built
 * @param <B> the layer's builder, returned by every setter
 */
public abstract class ConvBuilder<L extends Layer, B extends ConvBuilder<L, B>> {
    final String layer;
    private final int dims;
    final int inChannels;
    final int outChannels;
    final int[] kernelSize;
    int[] stride;
    int[] padding;
    int[] dilation;
    int[] outputPadding;
    int groups = 1;
    boolean bias = true;
    Rng rng;
    private final Function<? super B, ? extends L> factory;

    /**
     * A builder with PyTorch's defaults.
     *
     * @param layer       the layer's name, for error messages
     * @param dims        the number of spatial dims
     * @param factory     builds the layer from the finished builder
     * @param inChannels  input channels
     * @param outChannels output channels
     * @param kernelSize  one kernel size for every dim, or one per dim
     */
    ConvBuilder(String layer, int dims, Function<? super B, ? extends L> factory, int inChannels, int outChannels,
            int... kernelSize) {
        this.layer = layer;
        this.dims = dims;
        this.factory = factory;
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.kernelSize = perDim("kernel_size", kernelSize);
        this.stride = perDim("stride", 1);
        this.padding = perDim("padding", 0);
        this.dilation = perDim("dilation", 1);
        this.outputPadding = perDim("output_padding", 0);
    }

    /**
     * One value per spatial dim from {@code values}: one value repeated, or a copy of exactly one per dim.
     *
     * @throws IllegalArgumentException for any other number of values, naming the layer, the option and the values
     */
    final int[] perDim(String option, int... values) {
        if (values == null || (values.length != 1 && values.length != dims)) {
            throw new IllegalArgumentException(layer + ": " + option + " takes 1 value"
                    + (dims == 1 ? "" : " or " + dims) + ", got " + (values == null ? "null" : ConvNd.tuple(values)));
        }
        int[] out = new int[dims];
        for (int d = 0; d < dims; d++) {
            out[d] = values[values.length == 1 ? 0 : d];
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    final B self() {
        return (B) this;
    }

    /**
     * The stride (PyTorch's default: 1).
     *
     * @param s the step between output positions, at least 1: one value for every spatial dim or one per dim
     * @return this builder
     * @throws IllegalArgumentException for a wrong number of values
     */
    public final B stride(int... s) {
        stride = perDim("stride", s);
        return self();
    }

    /**
     * The zero padding at both ends of each spatial dim (PyTorch's default: 0). For a transposed layer this is the
     * padding of the matching convolution, removed from both ends of the output.
     *
     * @param p the padding, at least 0: one value for every spatial dim or one per dim
     * @return this builder
     * @throws IllegalArgumentException for a wrong number of values
     */
    public final B padding(int... p) {
        padding = perDim("padding", p);
        return self();
    }

    /**
     * The dilation, the spacing of kernel taps (PyTorch's default: 1).
     *
     * @param d the spacing, at least 1: one value for every spatial dim or one per dim
     * @return this builder
     * @throws IllegalArgumentException for a wrong number of values
     */
    public final B dilation(int... d) {
        dilation = perDim("dilation", d);
        return self();
    }

    /**
     * The number of channel groups (PyTorch's default: 1).
     *
     * @param g the number of groups; divides both channel counts
     * @return this builder
     */
    public final B groups(int g) {
        groups = g;
        return self();
    }

    /**
     * Whether the layer has a bias (PyTorch's default: true).
     *
     * @param enabled true for a bias
     * @return this builder
     */
    public final B bias(boolean enabled) {
        bias = enabled;
        return self();
    }

    /**
     * The random source of the initial weights (default: a generator from {@link Init#defaultRng()}, drawn when
     * the layer is built).
     *
     * @param r the generator
     * @return this builder
     * @throws IllegalArgumentException if {@code r} is null
     */
    public final B rng(Rng r) {
        if (r == null) {
            throw new IllegalArgumentException(layer + ": rng is null");
        }
        rng = r;
        return self();
    }

    /**
     * Builds the layer.
     *
     * @return the initialised layer
     * @throws IllegalArgumentException for inconsistent options (naming them)
     */
    public final L build() {
        return factory.apply(self());
    }

    /**
     * The options of a transposed convolution layer ({@link ConvTranspose1d}, {@link ConvTranspose2d}): those of
     * {@link ConvBuilder} and the output padding.
     *
     * @param <L> the layer built
     * @param <B> the layer's builder, returned by every setter
     */
    public abstract static class Transposed<L extends Layer, B extends Transposed<L, B>> extends ConvBuilder<L, B> {
        Transposed(String layer, int dims, Function<? super B, ? extends L> factory, int inChannels, int outChannels,
                int... kernelSize) {
            super(layer, dims, factory, inChannels, outChannels, kernelSize);
        }

        /**
         * The extra size added at the end of each spatial dim of the output, which picks one of the output sizes
         * that the matching convolution maps to the input size (PyTorch's default: 0).
         *
         * @param p at least 0 and smaller than the stride or the dilation in each dim: one value for every spatial
         *          dim or one per dim
         * @return this builder
         * @throws IllegalArgumentException for a wrong number of values
         */
        public final B outputPadding(int... p) {
            outputPadding = perDim("output_padding", p);
            return self();
        }
    }
}
