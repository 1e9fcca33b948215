package dev.jinn.flow.autoregressive;

import dev.jinn.nn.Init;
import dev.jinn.nn.Layer;
import dev.jinn.tensor.DType;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;

/**
 * A linear layer whose weight is multiplied by a fixed 0/1 mask, {@code y = x·(W ⊙ M)ᵀ + b}: the building block
 * of {@link MADE}, where the mask cuts every connection that would let an output see an input it must not depend
 * on. Parameters {@code weight [out, in]}, {@code bias [out]}; the mask is the persistent buffer {@code mask}.
 * The weight is initialised as {@code nn.Linear}'s, {@code U(±1/√in)}.
 */
public final class MaskedLinear extends Layer {
    private final int inFeatures;
    private final int outFeatures;

    /**
     * A masked layer.
     *
     * @param mask the mask {@code [out, in]} of zeros and ones (copied)
     * @param rng  the random source of the initial weights
     * @throws IllegalArgumentException when the mask is not a matrix of zeros and ones
     */
    public MaskedLinear(Tensor mask, Rng rng) {
        if (mask.dim() != 2) {
            throw new IllegalArgumentException("MaskedLinear: the mask must be [out, in], got shape "
                    + java.util.Arrays.toString(mask.shape()));
        }
        for (double v : mask.to(DType.FLOAT64).toDoubleArray()) {
            if (v != 0 && v != 1) {
                throw new IllegalArgumentException("MaskedLinear: the mask must hold zeros and ones, got " + v);
            }
        }
        this.outFeatures = mask.size(0);
        this.inFeatures = mask.size(1);
        registerParameter("weight", Tensors.zeros(DType.FLOAT32, outFeatures, inFeatures));
        registerParameter("bias", Tensors.zeros(DType.FLOAT32, outFeatures));
        registerBuffer("mask", mask.to(DType.FLOAT32).copy(), true);
        Init.kaimingUniform(parameter("weight"), Math.sqrt(5.0), "fan_in", "leaky_relu", rng);
        double bound = inFeatures > 0 ? 1.0 / Math.sqrt(inFeatures) : 0.0;
        Init.uniform(parameter("bias"), -bound, bound, rng);
    }

    /**
     * The input width.
     *
     * @return {@code in}
     */
    public int inFeatures() {
        return inFeatures;
    }

    /**
     * The output width.
     *
     * @return {@code out}
     */
    public int outFeatures() {
        return outFeatures;
    }

    /**
     * The masked weight {@code W ⊙ M}, differentiable in W: computed once, it serves every pass that uses the
     * same parameters ({@link #forward(Tensor, Tensor)}).
     *
     * @return {@code [out, in]}
     */
    public Tensor maskedWeight() {
        return parameter("weight").mul(buffer("mask"));
    }

    /**
     * Computes {@code x·(W ⊙ M)ᵀ + b}.
     *
     * @param x the input {@code [B, in]}
     * @return the output {@code [B, out]}
     */
    @Override
    public Tensor forward(Tensor x) {
        return forward(x, maskedWeight());
    }

    /**
     * Computes {@code x·(W ⊙ M)ᵀ + b} with a masked weight computed before.
     *
     * @param x            the input {@code [B, in]}
     * @param maskedWeight {@link #maskedWeight()}, taken since the last parameter update
     * @return the output {@code [B, out]}
     */
    public Tensor forward(Tensor x, Tensor maskedWeight) {
        return x.linear(maskedWeight, parameter("bias"));
    }
}
