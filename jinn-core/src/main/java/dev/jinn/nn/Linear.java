package dev.jinn.nn;

import dev.jinn.tensor.DType;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.util.Arrays;

/**
 * A fully connected layer, as PyTorch's {@code nn.Linear}: {@code y = x·Wᵀ + b} for inputs of shape
 * {@code [..., in_features]} (any number of leading dims, including none), giving {@code [..., out_features]}.
 *
 * <p>Parameters (PyTorch's names): {@code weight} of shape {@code [out_features, in_features]} and, unless
 * disabled, {@code bias} of shape {@code [out_features]}. Initialisation as in PyTorch: the weight by
 * {@code kaiming_uniform(a=√5)}, which is {@code U(-1/√in_features, 1/√in_features)}, then the bias from
 * {@code U(-1/√in_features, 1/√in_features)} (both drawn from the generator given, or from
 * {@link Init#defaultRng()}).
 */
public final class Linear extends AffineLayer {
    private final int inFeatures;
    private final int outFeatures;

    /**
     * A layer with a bias, initialised from {@link Init#defaultRng()}.
     *
     * @param inFeatures  the size of the last input dim
     * @param outFeatures the size of the last output dim
     */
    public Linear(int inFeatures, int outFeatures) {
        this(inFeatures, outFeatures, true);
    }

    /**
     * A layer initialised from {@link Init#defaultRng()}.
     *
     * @param inFeatures  the size of the last input dim
     * @param outFeatures the size of the last output dim
     * @param bias        whether to learn an additive bias (PyTorch's default: true)
     */
    public Linear(int inFeatures, int outFeatures, boolean bias) {
        this(inFeatures, outFeatures, bias, Init.defaultRng());
    }

    /**
     * A layer initialised from {@code rng}, in float32.
     *
     * @param inFeatures  the size of the last input dim
     * @param outFeatures the size of the last output dim
     * @param bias        whether to learn an additive bias
     * @param rng         the random source for the initial weights
     */
    public Linear(int inFeatures, int outFeatures, boolean bias, Rng rng) {
        if (inFeatures < 0 || outFeatures < 0) {
            throw new IllegalArgumentException("Linear: feature counts must be non-negative, got in_features="
                    + inFeatures + ", out_features=" + outFeatures);
        }
        this.inFeatures = inFeatures;
        this.outFeatures = outFeatures;
        registerParameter("weight", Tensors.zeros(DType.FLOAT32, outFeatures, inFeatures));
        registerParameter("bias", bias ? Tensors.zeros(DType.FLOAT32, outFeatures) : null);
        resetParameters(rng);
    }

    /**
     * Re-draws the parameters as PyTorch's {@code reset_parameters}: weight from
     * {@code kaiming_uniform(a=√5)} = {@code U(±1/√in_features)}, then bias from {@code U(±1/√in_features)}
     * (0 when {@code in_features} is 0).
     *
     * @param rng the random source
     */
    public void resetParameters(Rng rng) {
        Init.kaimingUniform(weight(), Math.sqrt(5.0), "fan_in", "leaky_relu", rng);
        Tensor b = bias();
        if (b != null) {
            double bound = inFeatures > 0 ? 1.0 / Math.sqrt(inFeatures) : 0.0;
            Init.uniform(b, -bound, bound, rng);
        }
    }

    /**
     * The size of the last input dim.
     *
     * @return {@code in_features}
     */
    public int inFeatures() {
        return inFeatures;
    }

    /**
     * The size of the last output dim.
     *
     * @return {@code out_features}
     */
    public int outFeatures() {
        return outFeatures;
    }



    /**
     * Computes {@code x·Wᵀ + b}.
     *
     * @param x the input, shape {@code [..., in_features]}, of the layer's dtype
     * @return the output, shape {@code [..., out_features]}
     * @throws IllegalArgumentException when the last dim or the dtype does not match
     */
    @Override
    public Tensor forward(Tensor x) {
        checkInput(x);
        return x.linear(weight(), bias());
    }

    /**
     * {@code second(relu(first(x)))} as one fused op ({@link Tensor#linearReluLinear}), for {@link Sequential};
     * layers that do not chain (widths or dtypes differ) run one by one, so the error names the layer at fault.
     *
     * @param first  the layer before the relu
     * @param second the layer after it
     * @param x      the input of {@code first}
     * @return the output of {@code second}
     */
    static Tensor throughRelu(Linear first, Linear second, Tensor x) {
        first.checkInput(x);
        if (first.outFeatures != second.inFeatures || second.weight().dtype() != x.dtype()) {
            return second.forward(first.forward(x).relu());
        }
        return x.linearReluLinear(first.weight(), first.bias(), second.weight(), second.bias());
    }

    private void checkInput(Tensor x) {
        int[] s = x.shape();
        if (s.length == 0 || s[s.length - 1] != inFeatures) {
            throw new IllegalArgumentException(describe() + ": expected input [..., " + inFeatures + "], got "
                    + Arrays.toString(s));
        }
        Tensor w = weight();
        if (x.dtype() != w.dtype()) {
            throw new IllegalArgumentException(describe() + ": input dtype " + x.dtype() + " differs from the weight's "
                    + w.dtype() + " (convert the input, or the layer with to(dtype))");
        }
    }

    private String describe() {
        return "Linear(in_features=" + inFeatures + ", out_features=" + outFeatures + ")";
    }

    @Override
    protected String extraRepr() {
        return "in_features=" + inFeatures + ", out_features=" + outFeatures + ", bias=" + Repr.pyBool(bias() != null);
    }
}
