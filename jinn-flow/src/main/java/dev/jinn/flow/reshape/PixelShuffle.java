package dev.jinn.flow.reshape;

import dev.jinn.flow.FlowResult;
import dev.jinn.flow.InvertibleModule;
import dev.jinn.flow.Shape;
import dev.jinn.flow.SingleInput;
import dev.jinn.flow.UnconditionalSpec;
import dev.jinn.tensor.PixelShuffles;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.util.List;

/**
 * Pixel shuffle (channels to space) and pixel unshuffle (space to channels) by a factor r, in 1-D and 2-D
 * (Shi et al. 2016; iResNetLab's resize layers). A permutation of the values: log-det 0.
 *
 * <ul>
 *   <li>2-D unshuffle {@code (C, H·r, W·r) → (C·r², H, W)} with {@code out[c·r² + i·r + j][h][w] =
 *       in[c][h·r + i][w·r + j]} (PyTorch's {@code pixel_unshuffle}); shuffle is its inverse.</li>
 *   <li>1-D unshuffle {@code (C, L·r) → (C·r, L)} with {@code out[c·r + i][l] = in[c][l·r + i]}; shuffle is its
 *       inverse.</li>
 * </ul>
 *
 * <p>{@link IRevNetDownsampling} is the 2-D unshuffle with {@code r = 2} plus FrEIA's kernel buffer; this module
 * has no state. Its {@link Spec} builds it for whatever shape arrives, so one spec serves every input size.
 */
public final class PixelShuffle extends InvertibleModule {
    private final Spec spec;

    /**
     * A resize module.
     *
     * @param dimsIn one input shape: {@code (C, L)} for 1-D, {@code (C, H, W)} for 2-D
     * @param spec   the direction, dimensionality and factor
     */
    public PixelShuffle(List<Shape> dimsIn, Spec spec) {
        super(dimsIn, List.of());
        this.spec = spec;
        spec.outputShape(SingleInput.of(spec.toString(), dimsIn));
    }

    /**
     * The spec of a resize module.
     *
     * @param spatialRank 1 or 2
     * @param factor      the factor r, at least 1
     * @param toSpace     true for pixel shuffle (fewer channels, larger size), false for unshuffle
     * @return a spec for {@code SequenceINN.append}, a graph node or an iResNetLab chain
     */
    public static Spec spec(int spatialRank, int factor, boolean toSpace) {
        return new Spec(spatialRank, factor, toSpace);
    }

    /** The class, the shape and iResNetLab's name: {@code PixelShuffle[(2, 4, 4)] PixelUnshuffle2d(2)}. */
    @Override
    public String describe() {
        return super.describe() + " " + spec;
    }

    @Override
    public FlowResult forward(List<Tensor> x, List<Tensor> c, boolean reverse, boolean computeLogDet) {
        Tensor in = x.get(0);
        boolean shuffle = spec.toSpace() != reverse;
        Tensor out;
        if (spec.spatialRank() == 1) {
            out = shuffle ? PixelShuffles.pixelShuffle1d(in, spec.factor()) : PixelShuffles.pixelUnshuffle1d(in, spec.factor());
        } else {
            out = shuffle ? PixelShuffles.pixelShuffle2d(in, spec.factor()) : PixelShuffles.pixelUnshuffle2d(in, spec.factor());
        }
        return FlowResult.of(out, Tensors.zeros(in.dtype(), in.size(0)));
    }

    @Override
    public List<Shape> outputDims(List<Shape> inputDims) {
        return List.of(spec.outputShape(SingleInput.of(describe(), inputDims)));
    }

    /**
     * What a {@link PixelShuffle} is, without the shape it is built for: it maps every shape of the right rank
     * whose sizes divide, and tells the input shape of an output shape, so a chain can be run backwards.
     *
     * @param spatialRank 1 or 2
     * @param factor      the factor r, at least 1
     * @param toSpace     true for pixel shuffle, false for unshuffle
     */
    public record Spec(int spatialRank, int factor, boolean toSpace) implements UnconditionalSpec {
        /**
         * Validates the options.
         *
         * @param spatialRank 1 or 2
         * @param factor      the factor r, at least 1
         * @param toSpace     true for pixel shuffle, false for unshuffle
         */
        public Spec {
            if ((spatialRank != 1 && spatialRank != 2) || factor < 1) {
                throw new IllegalArgumentException("PixelShuffle: need 1 or 2 spatial dims and a factor >= 1, got "
                        + spatialRank + " and " + factor);
            }
        }

        @Override
        public PixelShuffle build(List<Shape> dimsIn) {
            return new PixelShuffle(dimsIn, this);
        }

        /**
         * The spec of the opposite direction: unshuffle for shuffle and back.
         *
         * @return the inverse's spec
         */
        public Spec inverse() {
            return new Spec(spatialRank, factor, !toSpace);
        }

        /**
         * The output shape for an input shape.
         *
         * @param in {@code (C, L)} or {@code (C, H, W)}
         * @return the shape after the rearrangement
         * @throws IllegalArgumentException if the rank is wrong or the sizes do not divide
         */
        public Shape outputShape(Shape in) {
            if (in.rank() != spatialRank + 1) {
                throw new IllegalArgumentException(this + ": expected samples of shape "
                        + (spatialRank == 1 ? "(C, L)" : "(C, H, W)") + ", got " + in);
            }
            int block = spatialRank == 1 ? factor : factor * factor;
            int[] d = in.dims();
            if (toSpace) {
                if (d[0] % block != 0) {
                    throw new IllegalArgumentException(this + ": the channel count of " + in + " is not divisible by "
                            + block);
                }
                d[0] /= block;
            } else {
                d[0] *= block;
            }
            for (int i = 1; i < d.length; i++) {
                if (!toSpace && d[i] % factor != 0) {
                    throw new IllegalArgumentException(this + ": the spatial sizes of " + in + " must be divisible by "
                            + factor);
                }
                d[i] = toSpace ? d[i] * factor : d[i] / factor;
            }
            return Shape.of(d);
        }

        /**
         * The input shape that gives an output shape.
         *
         * @param out the output shape
         * @return the input shape
         */
        public Shape inputShape(Shape out) {
            return inverse().outputShape(out);
        }

        /** iResNetLab's names: {@code PixelShuffle2d(2)}, {@code PixelUnshuffle1d(3)}. */
        @Override
        public String toString() {
            return (toSpace ? "PixelShuffle" : "PixelUnshuffle") + spatialRank + "d(" + factor + ")";
        }
    }
}
