package dev.jinn.nn;

import dev.jinn.tensor.Tensor;

/** The logistic sigmoid, as PyTorch's {@code nn.Sigmoid}: {@code y = 1 / (1 + e^(-x))}. */
public final class Sigmoid extends Layer {
    /** Creates the activation (no parameters). */
    public Sigmoid() {
    }

    /**
     * Applies the activation elementwise.
     *
     * @param x the input, any shape
     * @return the activation, same shape
     */
    @Override
    public Tensor forward(Tensor x) {
        return x.sigmoid();
    }
}
