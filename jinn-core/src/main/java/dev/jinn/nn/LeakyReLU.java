package dev.jinn.nn;

import dev.jinn.check.Require;
import dev.jinn.tensor.Tensor;

/**
 * The leaky rectified linear unit, as PyTorch's {@code nn.LeakyReLU}: {@code y = x} for {@code x > 0},
 * {@code negative_slope · x} otherwise; PyTorch's default slope is 0.01.
 */
public final class LeakyReLU extends Layer {
    private final double negativeSlope;

    /** The activation with PyTorch's default {@code negative_slope = 0.01}. */
    public LeakyReLU() {
        this(0.01);
    }

    /**
     * The activation with a given slope.
     *
     * @param negativeSlope the slope for negative inputs
     */
    public LeakyReLU(double negativeSlope) {
        this.negativeSlope = Require.finite(negativeSlope, "LeakyReLU: negative_slope");
    }

    /**
     * The slope for negative inputs.
     *
     * @return {@code negative_slope}
     */
    public double negativeSlope() {
        return negativeSlope;
    }

    /**
     * Applies the activation elementwise.
     *
     * @param x the input, any shape
     * @return the activation, same shape
     */
    @Override
    public Tensor forward(Tensor x) {
        return x.leakyRelu(negativeSlope);
    }

    @Override
    protected String extraRepr() {
        return "negative_slope=" + Repr.pyFloat(negativeSlope);
    }
}
