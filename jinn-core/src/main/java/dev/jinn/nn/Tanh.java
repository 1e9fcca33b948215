package dev.jinn.nn;

import dev.jinn.tensor.Tensor;

/** The hyperbolic tangent, as PyTorch's {@code nn.Tanh}: {@code y = tanh(x)}. */
public final class Tanh extends Layer {
    /** Creates the activation (no parameters). */
    public Tanh() {
    }

    /**
     * Applies the activation elementwise.
     *
     * @param x the input, any shape
     * @return the activation, same shape
     */
    @Override
    public Tensor forward(Tensor x) {
        return x.tanh();
    }
}
