package dev.jinn.nn;

import dev.jinn.tensor.Tensor;

/**
 * The Gaussian error linear unit, as PyTorch's {@code nn.GELU}: exactly {@code y = x · Φ(x)} with the
 * standard normal CDF {@code Φ(x) = (1 + erf(x/√2)) / 2} (PyTorch's default {@code approximate='none'}), or
 * with {@code approximate='tanh'} {@code y = 0.5 x (1 + tanh(√(2/π) (x + 0.044715 x³)))}.
 */
public final class GELU extends Layer {
    private final boolean tanhApproximation;

    /** The exact activation (PyTorch's default {@code approximate='none'}). */
    public GELU() {
        this("none");
    }

    /**
     * The activation with PyTorch's {@code approximate} argument.
     *
     * @param approximate {@code "none"} (exact) or {@code "tanh"}
     */
    public GELU(String approximate) {
        if ("none".equals(approximate)) {
            tanhApproximation = false;
        } else if ("tanh".equals(approximate)) {
            tanhApproximation = true;
        } else {
            throw new IllegalArgumentException("GELU: approximate must be \"none\" or \"tanh\", got '" + approximate
                    + "'");
        }
    }

    /**
     * Whether the tanh approximation is used.
     *
     * @return true for {@code approximate='tanh'}
     */
    public boolean tanhApproximation() {
        return tanhApproximation;
    }

    /**
     * Applies the activation elementwise.
     *
     * @param x the input, any shape
     * @return the activation, same shape
     */
    @Override
    public Tensor forward(Tensor x) {
        return x.gelu(tanhApproximation);
    }

    @Override
    protected String extraRepr() {
        return "approximate='" + (tanhApproximation ? "tanh" : "none") + "'";
    }
}
