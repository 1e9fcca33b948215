package dev.jinn.nn;

import dev.jinn.tensor.Tensor;

/**
 * A module that maps one tensor to one tensor ({@code Linear}, activations, {@code Sequential}, ...): the
 * building block of subnetworks inside coupling blocks.
 */
public abstract class Layer extends Module {
    /** Creates the layer in training mode. */
    protected Layer() {
    }

    /**
     * Applies the layer.
     *
     * @param x the input
     * @return the output
     */
    public abstract Tensor forward(Tensor x);
}
