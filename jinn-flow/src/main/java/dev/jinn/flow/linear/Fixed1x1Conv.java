package dev.jinn.flow.linear;

import dev.jinn.flow.FlowResult;
import dev.jinn.flow.InvertibleModule;
import dev.jinn.flow.Shape;
import dev.jinn.flow.SingleInput;
import dev.jinn.flow.UnconditionalSpec;
import dev.jinn.tensor.Convolutions;
import dev.jinn.tensor.Tensor;
import java.util.List;

/**
 * A fixed invertible 1×1 convolution, FrEIA's {@code Fixed1x1Conv(M)}: the same channel mixing at every pixel.
 *
 * <p>Formula: {@code y[:, :, h, w] = Mᵀ x[:, :, h, w]} for each pixel (FrEIA convolves with the kernel
 * {@code Mᵀ}); reverse {@code x = (Mᵀ)⁻¹ y}. Log-det: {@code H·W·ln|det M|} forward, its negative in reverse.
 *
 * <p>Input: images {@code (C, H, W)}; M an invertible {@code C × C} matrix. State dict as FrEIA's:
 * {@code M} ({@code Mᵀ} as a {@code (C, C, 1, 1)} kernel), {@code M_inv} and {@code logDetM} (0-dim). The buffers
 * keep M's dtype and are used in the input's dtype; derived values are computed in float64.
 */
public final class Fixed1x1Conv extends InvertibleModule {
    private final int pixels;

    /**
     * A fixed 1×1 convolution.
     *
     * @param dimsIn one input shape {@code (C, H, W)}
     * @param m      the invertible {@code C × C} matrix
     */
    public Fixed1x1Conv(List<Shape> dimsIn, Tensor m) {
        super(dimsIn, List.of());
        Shape in = SingleInput.ofRank("Fixed1x1Conv", dimsIn, 3, "(C, H, W)");
        int ch = in.channels();
        this.pixels = in.spatialNumel();
        FixedMatrix fixed = FixedMatrix.of("Fixed1x1Conv", m, ch);
        registerBuffer("M", fixed.transposed().reshape(ch, ch, 1, 1), true);
        registerBuffer("M_inv", fixed.inverseTransposed().reshape(ch, ch, 1, 1), true);
        registerBuffer("logDetM", fixed.logAbsDet(), true);
    }

    /**
     * The spec.
     *
     * @param m the invertible {@code C × C} matrix
     * @return a spec for {@code SequenceINN.append} or a graph node
     */
    public static UnconditionalSpec spec(Tensor m) {
        return in -> new Fixed1x1Conv(in, m);
    }

    /** Convolves with {@code Mᵀ} (forward) or {@code (Mᵀ)⁻¹} (reverse). */
    @Override
    public FlowResult forward(List<Tensor> x, List<Tensor> c, boolean reverse, boolean computeLogDet) {
        Tensor in = x.get(0);
        Tensor kernel = FixedMatrix.like(buffer(reverse ? "M_inv" : "M"), in);
        Tensor logDet = FixedMatrix.like(buffer("logDetM"), in).mul(reverse ? -pixels : pixels);
        return FlowResult.of(Convolutions.conv2d(in, kernel, null), logDet.expand(in.size(0)));
    }

    /** The input shape. */
    @Override
    public List<Shape> outputDims(List<Shape> inputDims) {
        return List.of(SingleInput.ofRank("Fixed1x1Conv", inputDims, 3, "(C, H, W)"));
    }
}
