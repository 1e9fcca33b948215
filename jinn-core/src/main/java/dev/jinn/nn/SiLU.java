package dev.jinn.nn;

import dev.jinn.tensor.Tensor;

/** The sigmoid-weighted linear unit (swish), as PyTorch's {@code nn.SiLU}: {@code y = x · σ(x)}. */
public final class SiLU extends Layer {
    /** Creates the activation (no parameters). */
    public SiLU() {
    }

    /**
     * Applies the activation elementwise.
     *
     * @param x the input, any shape
     * @return the activation, same shape
     */
    @Override
    public Tensor forward(Tensor x) {
        return x.silu();
    }
}
