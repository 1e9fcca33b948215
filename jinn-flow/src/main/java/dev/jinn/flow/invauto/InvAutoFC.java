package dev.jinn.flow.invauto;

import dev.jinn.flow.Shape;
import dev.jinn.flow.SingleInput;
import dev.jinn.flow.UnconditionalSpec;
import dev.jinn.nn.Init;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.util.List;

/**
 * FrEIA's fully connected invertible-autoencoder layer {@code InvAutoFC}: {@code y = W x + b}, reverse
 * {@code x = Wᵀ(y − b)} (see {@link TransposeInverted}: exact only for an orthogonal W; log-det reported as 0).
 * The output width may differ from the input's (FrEIA's {@code dims_out}); then the layer is not invertible at
 * all, only its reverse is defined.
 *
 * <p>Parameters, FrEIA's names: {@code weights [out, in]}, drawn from {@code N(0, 1/out)}, and
 * {@code bias [1, out]}, from {@code N(0, 1)}.
 */
public final class InvAutoFC extends TransposeInverted {
    private final int dimsOut;

    /**
     * The square layer ({@code out = in}), initialised from the default generator.
     *
     * @param dimsIn one input shape {@code (d,)}
     */
    public InvAutoFC(List<Shape> dimsIn) {
        this(dimsIn, 0, Init.defaultRng());
    }

    /**
     * The layer.
     *
     * @param dimsIn  one input shape {@code (d,)}
     * @param dimsOut the output width, or 0 for the input's
     * @param rng     the random source of the initial weights
     * @throws IllegalArgumentException for an input that is not a vector or a negative output width
     */
    public InvAutoFC(List<Shape> dimsIn, int dimsOut, Rng rng) {
        super(dimsIn);
        int in = SingleInput.ofRank("InvAutoFC", dimsIn, 1, "(d,)").channels();
        if (dimsOut < 0) {
            throw new IllegalArgumentException("InvAutoFC: dims_out must be positive (or 0 for the input width " + in
                    + "), got " + dimsOut);
        }
        this.dimsOut = dimsOut == 0 ? in : dimsOut;
        registerParameter("weights", Init.normal(Tensors.zeros(this.dimsOut, in), 0, Math.sqrt(1.0 / this.dimsOut),
                rng));
        registerParameter("bias", Init.normal(Tensors.zeros(1, this.dimsOut), 0, 1, rng));
    }

    /**
     * The spec of a square layer.
     *
     * @return a spec for {@code SequenceINN.append} or a graph node
     */
    public static UnconditionalSpec spec() {
        return InvAutoFC::new;
    }

    /**
     * The spec of a layer with a chosen output width.
     *
     * @param dimsOut the output width, or 0 for the input's
     * @param rng     the random source of the initial weights
     * @return a spec for {@code SequenceINN.append} or a graph node
     */
    public static UnconditionalSpec spec(int dimsOut, Rng rng) {
        return in -> new InvAutoFC(in, dimsOut, rng);
    }

    @Override
    Tensor map(Tensor x) {
        return x.linear(parameter("weights"), null);
    }

    @Override
    Tensor adjoint(Tensor y) {
        return y.matmul(parameter("weights"));
    }

    /** {@code (out,)}. */
    @Override
    public List<Shape> outputDims(List<Shape> inputDims) {
        SingleInput.ofRank("InvAutoFC", inputDims, 1, "(d,)");
        return List.of(Shape.of(dimsOut));
    }
}
