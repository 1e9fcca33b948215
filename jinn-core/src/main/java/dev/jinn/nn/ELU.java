package dev.jinn.nn;

import dev.jinn.check.Require;
import dev.jinn.tensor.Tensor;

/**
 * The exponential linear unit, as PyTorch's {@code nn.ELU}: {@code y = x} for {@code x > 0},
 * {@code alpha · (e^x - 1)} otherwise; PyTorch's default {@code alpha} is 1.
 */
public final class ELU extends Layer {
    private final double alpha;

    /** The activation with PyTorch's default {@code alpha = 1}. */
    public ELU() {
        this(1.0);
    }

    /**
     * The activation with a given saturation value.
     *
     * @param alpha the value {@code -y} approaches for very negative inputs
     */
    public ELU(double alpha) {
        this.alpha = Require.finite(alpha, "ELU: alpha");
    }

    /**
     * The saturation value.
     *
     * @return {@code alpha}
     */
    public double alpha() {
        return alpha;
    }

    /**
     * Applies the activation elementwise.
     *
     * @param x the input, any shape
     * @return the activation, same shape
     */
    @Override
    public Tensor forward(Tensor x) {
        return x.elu(alpha);
    }

    @Override
    protected String extraRepr() {
        return "alpha=" + Repr.pyFloat(alpha);
    }
}
