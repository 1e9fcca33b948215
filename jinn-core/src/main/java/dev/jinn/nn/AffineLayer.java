package dev.jinn.nn;

import dev.jinn.tensor.Tensor;

/**
 * A layer whose learned parameters are a {@code weight} and an optional {@code bias} under PyTorch's names:
 * {@link Linear}, the convolutions, {@link LayerNorm} and {@link BatchNorm}. Each subclass's Javadoc gives
 * their shapes; this class gives every one of them the same two accessors.
 */
public abstract class AffineLayer extends Layer {
    /** Creates the layer in training mode; the subclass registers its parameters. */
    protected AffineLayer() {
    }

    /**
     * The parameter registered as {@code weight} (a linear map's matrix, a kernel, or a normalisation's scale).
     *
     * @return the parameter, or null when the layer was built without one (a normalisation that is not affine)
     */
    public Tensor weight() {
        return parameter("weight");
    }

    /**
     * The parameter registered as {@code bias}, the shift added after the weight.
     *
     * @return the parameter, or null when the layer has none
     */
    public Tensor bias() {
        return parameter("bias");
    }
}
