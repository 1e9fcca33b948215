package dev.jinn.nn;

import dev.jinn.tensor.DType;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.util.Arrays;

/**
 * Layer normalisation, as PyTorch's {@code nn.LayerNorm}: each sample is normalised over its last
 * {@code k} dims, which must equal {@code normalized_shape} (length {@code k}):
 * <pre>
 *   y = (x - E[x]) / √(Var[x] + eps) · weight + bias
 * </pre>
 * with the mean and the <em>biased</em> variance taken over those dims, and the same computation in training
 * and evaluation (no running statistics). Parameters {@code weight} (initialised to 1) and {@code bias}
 * (initialised to 0), both of shape {@code normalized_shape}, when {@code elementwise_affine}. PyTorch's
 * defaults: {@code eps = 1e-5}, {@code elementwise_affine = true}, {@code bias = true}.
 */
public final class LayerNorm extends AffineLayer {
    private final int[] normalizedShape;
    private final double eps;
    private final boolean elementwiseAffine;

    /**
     * A layer with PyTorch's defaults.
     *
     * @param normalizedShape the trailing input dims to normalise over, e.g. {@code 512} or {@code 3, 8, 8}
     */
    public LayerNorm(int... normalizedShape) {
        this(normalizedShape, 1e-5, true, true);
    }

    /**
     * A layer with a bias whenever it is elementwise affine.
     *
     * @param normalizedShape   the trailing input dims to normalise over
     * @param eps               added to the variance (PyTorch: 1e-5)
     * @param elementwiseAffine whether to learn {@code weight} and {@code bias} (PyTorch: true)
     */
    public LayerNorm(int[] normalizedShape, double eps, boolean elementwiseAffine) {
        this(normalizedShape, eps, elementwiseAffine, true);
    }

    /**
     * A layer with every option, in PyTorch's argument order.
     *
     * @param normalizedShape   the trailing input dims to normalise over
     * @param eps               added to the variance (PyTorch: 1e-5)
     * @param elementwiseAffine whether to learn {@code weight} (and {@code bias}) (PyTorch: true)
     * @param bias              whether to learn {@code bias} when elementwise affine (PyTorch: true)
     */
    public LayerNorm(int[] normalizedShape, double eps, boolean elementwiseAffine, boolean bias) {
        if (normalizedShape == null || normalizedShape.length == 0) {
            throw new IllegalArgumentException("LayerNorm: normalized_shape must have at least one dim");
        }
        for (int d : normalizedShape) {
            if (d <= 0) {
                throw new IllegalArgumentException("LayerNorm: normalized_shape must be positive, got "
                        + Arrays.toString(normalizedShape));
            }
        }
        if (!(eps >= 0) || !Double.isFinite(eps)) {
            throw new IllegalArgumentException("LayerNorm: eps must be finite and >= 0, got " + eps);
        }
        this.normalizedShape = normalizedShape.clone();
        this.eps = eps;
        this.elementwiseAffine = elementwiseAffine;
        registerParameter("weight", elementwiseAffine ? Tensors.ones(DType.FLOAT32, normalizedShape) : null);
        registerParameter("bias", elementwiseAffine && bias ? Tensors.zeros(DType.FLOAT32, normalizedShape) : null);
    }

    /**
     * The trailing dims normalised over.
     *
     * @return a copy of {@code normalized_shape}
     */
    public int[] normalizedShape() {
        return normalizedShape.clone();
    }

    /**
     * The constant added to the variance.
     *
     * @return {@code eps}
     */
    public double eps() {
        return eps;
    }



    /**
     * Normalises each sample over the trailing dims.
     *
     * @param x the input, shape {@code [*, normalized_shape]}
     * @return the normalised tensor, same shape
     * @throws IllegalArgumentException when the trailing dims or the dtype do not match
     */
    @Override
    public Tensor forward(Tensor x) {
        int[] s = x.shape();
        int k = normalizedShape.length;
        boolean fits = s.length >= k
                && Arrays.equals(Arrays.copyOfRange(s, s.length - k, s.length), normalizedShape);
        if (!fits) {
            StringBuilder want = new StringBuilder("[*");
            for (int d : normalizedShape) {
                want.append(", ").append(d);
            }
            throw new IllegalArgumentException("LayerNorm(" + Repr.pyTuple(normalizedShape) + "): expected input "
                    + want + "], got " + Arrays.toString(s));
        }
        Tensor w = weight();
        if (w != null && x.dtype() != w.dtype()) {
            throw new IllegalArgumentException("LayerNorm(" + Repr.pyTuple(normalizedShape) + "): input dtype "
                    + x.dtype() + " differs from the layer's " + w.dtype()
                    + " (convert the input, or the layer with to(dtype))");
        }
        int[] dims = new int[k];
        for (int i = 0; i < k; i++) {
            dims[i] = s.length - k + i;
        }
        Tensor mean = x.mean(dims, true);
        Tensor var = x.var(dims, false, true);
        Tensor y = x.sub(mean).mul(var.add(eps).rsqrt());
        if (w != null) {
            y = y.mul(w);
        }
        Tensor b = bias();
        return b == null ? y : y.add(b);
    }

    @Override
    protected String extraRepr() {
        return Repr.pyTuple(normalizedShape) + ", eps=" + Repr.pyFloat(eps) + ", elementwise_affine="
                + Repr.pyBool(elementwiseAffine);
    }
}
