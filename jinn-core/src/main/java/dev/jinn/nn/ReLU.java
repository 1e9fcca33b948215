package dev.jinn.nn;

import dev.jinn.tensor.Tensor;

/** The rectified linear unit, as PyTorch's {@code nn.ReLU}: {@code y = max(x, 0)} (gradient 0 at 0). */
public final class ReLU extends Layer {
    /** Creates the activation (no parameters). */
    public ReLU() {
    }

    /**
     * Applies the activation elementwise.
     *
     * @param x the input, any shape
     * @return the activation, same shape
     */
    @Override
    public Tensor forward(Tensor x) {
        return x.relu();
    }
}
