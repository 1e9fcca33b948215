package dev.jinn.flow.linear;

import dev.jinn.flow.FlowResult;
import dev.jinn.flow.InvertibleModule;
import dev.jinn.flow.Shape;
import dev.jinn.flow.SingleInput;
import dev.jinn.flow.UnconditionalSpec;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.util.Arrays;
import java.util.List;

/**
 * A fixed affine map of vectors, FrEIA's {@code FixedLinearTransform(M, b)}.
 *
 * <p>Formula: {@code y = M x + b} for each sample {@code x ∈ R^d} (computed as {@code x·Mᵀ + b} on the batch);
 * reverse {@code x = M⁻¹(y − b)}. Log-det: {@code ln|det M|} forward, its negative in reverse.
 *
 * <p>M must be an invertible {@code d × d} matrix; b, optional, a vector of length d. State dict as FrEIA's
 * buffers: {@code M} (holding {@code Mᵀ}), {@code M_inv} ({@code (Mᵀ)⁻¹}), {@code b} ({@code (1, d)}, or a 0-dim
 * zero without offset) and {@code logDetM} (0-dim). They keep the dtype of the given M (as PyTorch buffers do)
 * and are used in the dtype of the input, so float32 data gives float32 results. Derived values are computed in
 * float64, so a float64 M is inverted to full precision.
 */
public final class FixedLinearTransform extends InvertibleModule {
    /**
     * A linear map without offset.
     *
     * @param dimsIn one input shape {@code (d,)}
     * @param m      the invertible {@code d × d} matrix
     */
    public FixedLinearTransform(List<Shape> dimsIn, Tensor m) {
        this(dimsIn, m, null);
    }

    /**
     * An affine map.
     *
     * @param dimsIn one input shape {@code (d,)}
     * @param m      the invertible {@code d × d} matrix
     * @param b      the offset of length d, or null for none
     */
    public FixedLinearTransform(List<Shape> dimsIn, Tensor m, Tensor b) {
        super(dimsIn, List.of());
        int d = SingleInput.ofRank("FixedLinearTransform", dimsIn, 1, "(d,)").channels();
        FixedMatrix fixed = FixedMatrix.of("FixedLinearTransform", m, d);
        registerBuffer("M", fixed.transposed(), true);
        registerBuffer("M_inv", fixed.inverseTransposed(), true);
        registerBuffer("b", offset(b, d, m), true);
        registerBuffer("logDetM", fixed.logAbsDet(), true);
    }

    /**
     * The spec for {@code y = Mx}.
     *
     * @param m the invertible matrix
     * @return a spec for {@code SequenceINN.append} or a graph node
     */
    public static UnconditionalSpec spec(Tensor m) {
        return spec(m, null);
    }

    /**
     * The spec for {@code y = Mx + b}.
     *
     * @param m the invertible matrix
     * @param b the offset, or null
     * @return a spec for {@code SequenceINN.append} or a graph node
     */
    public static UnconditionalSpec spec(Tensor m, Tensor b) {
        return in -> new FixedLinearTransform(in, m, b);
    }

    /** {@code x·Mᵀ + b} forward, {@code (y − b)·(Mᵀ)⁻¹} reverse. */
    @Override
    public FlowResult forward(List<Tensor> x, List<Tensor> c, boolean reverse, boolean computeLogDet) {
        Tensor in = x.get(0);
        Tensor b = FixedMatrix.like(buffer("b"), in);
        Tensor logDet = FixedMatrix.like(buffer("logDetM"), in);
        Tensor out = reverse ? in.sub(b).matmul(FixedMatrix.like(buffer("M_inv"), in))
                : in.matmul(FixedMatrix.like(buffer("M"), in)).add(b);
        return FlowResult.of(out, (reverse ? logDet.neg() : logDet).expand(in.size(0)));
    }

    /** The input shape. */
    @Override
    public List<Shape> outputDims(List<Shape> inputDims) {
        return List.of(SingleInput.ofRank("FixedLinearTransform", inputDims, 1, "(d,)"));
    }

    private static Tensor offset(Tensor b, int d, Tensor m) {
        if (b == null) {
            return Tensors.scalar(0, m.dtype());
        }
        if (!Arrays.equals(b.shape(), new int[] {d}) || !b.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException("FixedLinearTransform: b must be a floating-point vector of shape [" + d
                    + "], got " + b.dtype() + " " + Arrays.toString(b.shape()));
        }
        return b.detach().to(m.dtype()).reshape(1, d).contiguous();
    }
}
