package dev.jinn.flow.reshape;

import dev.jinn.flow.FlowResult;
import dev.jinn.flow.InvertibleModule;
import dev.jinn.flow.Shape;
import dev.jinn.flow.SingleInput;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.util.List;

/**
 * What the 2×2 down- and upsampling modules share: an image {@code (C, H, W)} with even H and W is turned into
 * {@code (4C, H/2, W/2)} by a fixed map of each 2×2 patch ("down"), and back ("up"). A downsampling module applies
 * down in its forward direction, an upsampling module applies up; both are the same pair of maps, so each
 * kind (i-RevNet, Haar) implements the pair once.
 *
 * <p>The log-det of down is a constant per element, {@link #downLogDetPerElement()} times {@code C·H·W}; up has
 * its negative.
 */
abstract class PatchRegrouping extends InvertibleModule {
    private final boolean upsampling;
    private final Shape image;

    /**
     * Checks the input and remembers which side is the full-resolution image.
     *
     * @param dimsIn     one input: the image for downsampling, the regrouped tensor for upsampling
     * @param upsampling whether the forward direction is "up"
     */
    PatchRegrouping(List<Shape> dimsIn, boolean upsampling) {
        super(dimsIn, List.of());
        this.upsampling = upsampling;
        Shape in = SingleInput.ofRank(getClass().getSimpleName(), dimsIn, 3, "(C, H, W)");
        this.image = upsampling ? upsampled(getClass().getSimpleName(), in) : checkDownsamplable(in);
    }

    /**
     * The full-resolution side {@code (C, H, W)}: the input of a downsampling module, the output of an
     * upsampling one.
     *
     * @return the image shape
     */
    final Shape image() {
        return image;
    }

    /**
     * The patch map: {@code (B, C, H, W) → (B, 4C, H/2, W/2)}.
     *
     * @param x the image batch
     * @return the regrouped batch
     */
    abstract Tensor down(Tensor x);

    /**
     * The inverse patch map: {@code (B, 4C, H/2, W/2) → (B, C, H, W)}.
     *
     * @param y the regrouped batch
     * @return the image batch
     */
    abstract Tensor up(Tensor y);

    /**
     * {@code log|det|} of {@link #down} divided by the number of elements per sample.
     *
     * @return the per-element log-det of down (0 for a pure rearrangement)
     */
    abstract double downLogDetPerElement();

    /** Applies down or up, whichever this direction calls for; the log-det is a constant per sample. */
    @Override
    public FlowResult forward(List<Tensor> x, List<Tensor> c, boolean reverse, boolean computeLogDet) {
        Tensor in = x.get(0);
        boolean goingDown = reverse == upsampling;
        Tensor out = goingDown ? down(in) : up(in);
        double perSample = downLogDetPerElement() * image.numel();
        return FlowResult.of(out, Tensors.full(in.dtype(), goingDown ? perSample : -perSample, in.size(0)));
    }

    /** {@code (4C, H/2, W/2)} for downsampling, {@code (C/4, 2H, 2W)} for upsampling. */
    @Override
    public List<Shape> outputDims(List<Shape> inputDims) {
        String who = getClass().getSimpleName();
        Shape in = SingleInput.ofRank(who, inputDims, 3, "(C, H, W)");
        return List.of(upsampling ? upsampled(who, in) : downsampled(who, in));
    }

    private Shape checkDownsamplable(Shape in) {
        downsampled(getClass().getSimpleName(), in);
        return in;
    }

    private static Shape downsampled(String who, Shape s) {
        if (s.dim(1) % 2 != 0 || s.dim(2) % 2 != 0) {
            throw new IllegalArgumentException(who + ": height and width must be even to form 2x2 patches, got "
                    + "input " + s);
        }
        return Shape.of(4 * s.dim(0), s.dim(1) / 2, s.dim(2) / 2);
    }

    private static Shape upsampled(String who, Shape s) {
        if (s.dim(0) % 4 != 0) {
            throw new IllegalArgumentException(who + ": the channel count must be a multiple of 4 (one channel per"
                    + " pixel of a 2x2 patch), got input " + s);
        }
        return Shape.of(s.dim(0) / 4, 2 * s.dim(1), 2 * s.dim(2));
    }

    /**
     * Reorders channels {@code 4c + k} (grouped by source channel) into {@code k·C + c} (grouped by patch
     * position or wavelet).
     *
     * @param t        {@code (B, 4C, h, w)}
     * @param channels C
     * @return the reordered tensor
     */
    static Tensor groupByPosition(Tensor t, int channels) {
        int[] s = t.shape();
        return t.reshape(s[0], channels, 4, s[2], s[3]).transpose(1, 2).reshape(s);
    }

    /**
     * The inverse of {@link #groupByPosition}: channels {@code k·C + c} back to {@code 4c + k}.
     *
     * @param t        {@code (B, 4C, h, w)}
     * @param channels C
     * @return the reordered tensor
     */
    static Tensor groupByChannel(Tensor t, int channels) {
        int[] s = t.shape();
        return t.reshape(s[0], 4, channels, s[2], s[3]).transpose(1, 2).reshape(s);
    }

    /**
     * FrEIA's grouped-convolution kernel for a 4×4 patch matrix: shape {@code (4C, 1, 2, 2)}, with
     * {@code kernel[4c + o, 0, dh, dw] = m[o][2dh + dw]} for every channel c. Registered as a buffer so that
     * FrEIA state dicts (which contain it) load.
     *
     * @param m        the 4×4 matrix, rows = outputs, columns = patch positions {@code 2dh + dw}
     * @param channels C
     * @return the float32 kernel
     */
    static Tensor perChannelKernel(double[][] m, int channels) {
        float[] k = new float[16 * channels];
        for (int c = 0; c < channels; c++) {
            for (int o = 0; o < 4; o++) {
                for (int p = 0; p < 4; p++) {
                    k[(4 * c + o) * 4 + p] = (float) m[o][p];
                }
            }
        }
        return Tensors.of(k, 4 * channels, 1, 2, 2);
    }
}
