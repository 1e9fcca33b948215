package dev.jinn.nn;

import dev.jinn.tensor.Tensor;

/** The identity layer, as PyTorch's {@code nn.Identity}: {@code y = x} (the same tensor), no parameters. */
public final class Identity extends Layer {
    /** Creates the layer. */
    public Identity() {
    }

    /**
     * Returns the input unchanged.
     *
     * @param x the input
     * @return {@code x}
     */
    @Override
    public Tensor forward(Tensor x) {
        return x;
    }
}
