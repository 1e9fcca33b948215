package dev.jinn.flow.dist;

import dev.jinn.autograd.Grad;
import dev.jinn.flow.Shape;
import dev.jinn.tensor.DType;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import java.util.List;

/**
 * A probability distribution over samples of a fixed per-sample shape, with optional conditions: what a
 * flow's base density is and what a trained flow becomes ({@link PushForward}, {@link PullBack}).
 */
public interface Distribution {
    /**
     * The shape of one sample (batch axis excluded).
     *
     * @return the event shape
     */
    Shape eventShape();

    /**
     * The log-density of each sample of a batch.
     *
     * @param x          samples, shape {@code [B, eventShape...]}
     * @param conditions the conditions of a conditional distribution (empty otherwise)
     * @return shape {@code [B]}, differentiable
     */
    Tensor logProb(Tensor x, List<Tensor> conditions);

    /**
     * Draws samples without recording gradients: {@link #rsample} inside {@code Grad.disabled()}.
     *
     * @param rng        the source of randomness
     * @param n          the number of samples
     * @param dtype      FLOAT32 or FLOAT64
     * @param conditions conditions with batch size {@code n} (empty if unconditional)
     * @return shape {@code [n, eventShape...]}
     */
    default Tensor sample(Rng rng, int n, DType dtype, List<Tensor> conditions) {
        try (var g = Grad.disabled()) {
            return rsample(rng, n, dtype, conditions);
        }
    }

    /**
     * Draws samples through a differentiable path (reparameterisation): gradients flow to the parameters.
     *
     * @param rng        the source of randomness
     * @param n          the number of samples
     * @param dtype      FLOAT32 or FLOAT64
     * @param conditions conditions with batch size {@code n}
     * @return shape {@code [n, eventShape...]}
     */
    Tensor rsample(Rng rng, int n, DType dtype, List<Tensor> conditions);

    /**
     * The log-density of an unconditional distribution.
     *
     * @param x samples
     * @return shape {@code [B]}
     */
    default Tensor logProb(Tensor x) {
        return logProb(x, List.of());
    }

    /**
     * Draws float32 samples of an unconditional distribution, without gradients.
     *
     * @param rng the source of randomness
     * @param n   the number of samples
     * @return shape {@code [n, eventShape...]}
     */
    default Tensor sample(Rng rng, int n) {
        return sample(rng, n, DType.FLOAT32, List.of());
    }

    /**
     * Draws float32 samples of a conditional distribution, without gradients.
     *
     * @param rng        the source of randomness
     * @param n          the number of samples
     * @param conditions conditions with batch size {@code n}
     * @return shape {@code [n, eventShape...]}
     */
    default Tensor sample(Rng rng, int n, List<Tensor> conditions) {
        return sample(rng, n, DType.FLOAT32, conditions);
    }
}
