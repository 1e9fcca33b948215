package dev.jinn.flow.mixture;

import dev.jinn.flow.FlowResult;
import dev.jinn.flow.InvertibleModule;
import dev.jinn.flow.ModuleSpec;
import dev.jinn.flow.Shape;
import dev.jinn.tensor.Linalg;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.util.Arrays;
import java.util.List;

/**
 * An invertible Gaussian mixture whose parameters come from conditions (FrEIA's {@code GaussianMixtureModel}),
 * e.g. from a mixture density network trained through it. For a chosen component k of the mixture, it maps data
 * to a standard normal latent code.
 *
 * <p>Conditions, per sample ({@code d} = data size, {@code K} = number of components):
 * <ol>
 *   <li>{@code w} {@code (K,)}: the component weights (positive, summing to one: see
 *       {@link #normalizeWeights(Tensor)});</li>
 *   <li>{@code mu} {@code (K, d)}: the component means;</li>
 *   <li>{@code U} {@code (K, d(d+1)/2)}: the entries of the upper-triangular Cholesky factor {@code U_k} of each
 *       component's precision matrix {@code Λ_k = U_kᵀU_k}: the diagonal is {@code exp(U[..., :d])} (so it is
 *       positive), the strict upper triangle is filled row by row from {@code U[..., d:]};</li>
 *   <li>{@code i} {@code (1,)}: the index of the chosen component, an integer stored as a floating-point value
 *       (a jinn condition is a floating-point tensor). FrEIA also accepts an integer seed here; in jinn draw the
 *       indices with {@link #pickMixtureComponent(Tensor, Rng)} and a seeded {@link Rng} instead.</li>
 * </ol>
 * Forward {@code z = U_i·(x − μ_i)}, log-det {@code ln det U_i = Σ_j U[i, j]} for {@code j < d}; reverse
 * {@code x = μ_i + U_i⁻¹·z} (a triangular solve), log-det minus that.
 *
 * <p>FrEIA's third mode, every component at once ({@code i = None}, which maps {@code (B, d)} to
 * {@code (B, K, d)}), is not a bijection of the module's shapes; it is {@link #allComponents} here, whose result
 * feeds {@link #nllLoss(Tensor, Tensor, Tensor)} for training. See Kruse, "Training Mixture Density Networks with
 * full covariance matrices" (arXiv:2003.05739) for the derivations.
 */
public final class GaussianMixtureModel extends InvertibleModule {
    private final int dims;
    private final int components;

    /**
     * Builds the module.
     *
     * @param dimsIn one vector shape {@code (d,)}
     * @param dimsC  {@code [(K,), (K, d), (K, d(d+1)/2), (1,)]}
     * @throws IllegalArgumentException if the shapes do not fit together
     */
    public GaussianMixtureModel(List<Shape> dimsIn, List<Shape> dimsC) {
        super(dimsIn, dimsC);
        String who = getClass().getSimpleName();
        if (dimsIn.size() != 1 || dimsIn.get(0).rank() != 1) {
            throw new IllegalArgumentException(who + " takes one vector input (d,), got " + dimsIn);
        }
        this.dims = dimsIn.get(0).channels();
        if (dimsC.size() != 4 || dimsC.get(0).rank() != 1) {
            throw new IllegalArgumentException(who + ": expected four conditions [w (K,), mu (K, d), U (K, d(d+1)/2),"
                    + " i (1,)], got " + dimsC);
        }
        this.components = dimsC.get(0).channels();
        List<Shape> expected = List.of(Shape.of(components), Shape.of(components, dims),
                Shape.of(components, dims * (dims + 1) / 2), Shape.of(1));
        if (!expected.equals(dimsC)) {
            throw new IllegalArgumentException(who + ": for data of size d = " + dims + " and K = " + components
                    + " components the conditions [w, mu, U, i] must have shapes " + expected + ", got " + dimsC);
        }
    }

    /**
     * A spec that builds the module for the given shapes (the module has no options).
     *
     * @return {@code GaussianMixtureModel::new}
     */
    public static ModuleSpec spec() {
        return GaussianMixtureModel::new;
    }

    /**
     * The number of mixture components.
     *
     * @return K
     */
    public int components() {
        return components;
    }

    @Override
    public FlowResult forward(List<Tensor> x, List<Tensor> c, boolean reverse, boolean computeLogDet) {
        Tensor in = x.get(0);
        int batch = in.size(0);
        Tensor index = componentIndex(c.get(3));
        Tensor mu = c.get(1).gather(1, index.reshape(batch, 1, 1).expand(batch, 1, dims)).squeeze(1);
        int entries = dims * (dims + 1) / 2;
        Tensor u = c.get(2).gather(1, index.reshape(batch, 1, 1).expand(batch, 1, entries)).squeeze(1);
        Tensor factor = upperFactor(u, dims);
        Tensor logDet = u.narrow(1, 0, dims).sum(1);
        if (reverse) {
            Tensor solved = Linalg.solveTriangular(factor, in.unsqueeze(2), true, false).squeeze(2);
            return FlowResult.of(mu.add(solved), logDet.neg());
        }
        return FlowResult.of(factor.matmul(in.sub(mu).unsqueeze(2)).squeeze(2), logDet);
    }

    /** The chosen component of each sample, checked to be an integer in [0, K). */
    private Tensor componentIndex(Tensor i) {
        double[] v = i.toDoubleArray();
        long[] idx = new long[v.length];
        for (int b = 0; b < v.length; b++) {
            if (!(v[b] >= 0 && v[b] < components && v[b] == Math.rint(v[b]))) {
                throw new IllegalArgumentException(describe() + ": the component index of sample " + b + " is " + v[b]
                        + ", expected an integer in [0, " + components + ")");
            }
            idx[b] = (long) v[b];
        }
        return Tensors.of(idx, v.length);
    }

    /**
     * Maps with every component at once (FrEIA's {@code i = None}): forward {@code z_k = U_k·(x − μ_k)} for each k;
     * reverse {@code x_k = μ_k + U_k⁻¹·z_k}.
     *
     * @param x        forward: data {@code [B, d]} (or {@code [B, K, d]}); reverse: latent codes {@code [B, K, d]}
     * @param mu       the means {@code [B, K, d]}
     * @param uEntries the factor entries {@code [B, K, d(d+1)/2]}
     * @param reverse  the direction
     * @return outputs {@code [B, K, d]} and log-dets {@code [B, K]} ({@code Σ_j U[k, j]}, negated in reverse)
     * @throws IllegalArgumentException if the shapes do not fit together
     */
    public static AllComponents allComponents(Tensor x, Tensor mu, Tensor uEntries, boolean reverse) {
        if (mu.dim() != 3 || uEntries.dim() != 3) {
            throw new IllegalArgumentException("GaussianMixtureModel.allComponents: mu must be [B, K, d] and U"
                    + " [B, K, d(d+1)/2], got " + Arrays.toString(mu.shape()) + " and "
                    + Arrays.toString(uEntries.shape()));
        }
        int d = mu.size(2);
        if (uEntries.size(2) != d * (d + 1) / 2) {
            throw new IllegalArgumentException("GaussianMixtureModel.allComponents: for d = " + d + ", U needs "
                    + d * (d + 1) / 2 + " entries per component, got " + uEntries.size(2));
        }
        Tensor in = x.dim() == 2 ? x.unsqueeze(1) : x;
        if (in.dim() != 3 || in.size(2) != d) {
            throw new IllegalArgumentException("GaussianMixtureModel.allComponents: expected x of shape [B, d] or"
                    + " [B, K, d] with d = " + d + ", got " + Arrays.toString(x.shape()));
        }
        Tensor factor = upperFactor(uEntries, d);
        Tensor logDet = uEntries.narrow(2, 0, d).sum(2);
        if (reverse) {
            Tensor solved = Linalg.solveTriangular(factor, in.unsqueeze(3), true, false).squeeze(3);
            return new AllComponents(mu.add(solved), logDet.neg());
        }
        return new AllComponents(factor.matmul(in.sub(mu).unsqueeze(3)).squeeze(3), logDet);
    }

    /**
     * Builds the upper-triangular factors from their entries: diagonal {@code exp(entries[..., :d])}, the strict
     * upper triangle row by row from {@code entries[..., d:]}, zeros below.
     *
     * @param entries {@code [..., d(d+1)/2]}
     * @param d       the matrix size
     * @return {@code [..., d, d]}
     */
    public static Tensor upperFactor(Tensor entries, int d) {
        int count = d * (d + 1) / 2;
        int last = entries.dim() - 1;
        if (entries.size(last) != count) {
            throw new IllegalArgumentException("GaussianMixtureModel: " + d + "×" + d + " triangular factors need "
                    + count + " entries, got shape " + Arrays.toString(entries.shape()));
        }
        int[] zeroShape = entries.shape();
        zeroShape[last] = 1;
        // Source slots: 0..d-1 the diagonal, d..count-1 the strict upper triangle, count a zero.
        Tensor source = Tensor.cat(List.of(entries.narrow(last, 0, d).exp(), entries.narrow(last, d, count - d),
                Tensors.zeros(entries.dtype(), zeroShape)), last);
        long[] map = new long[d * d];
        int next = d;
        for (int r = 0; r < d; r++) {
            for (int col = 0; col < d; col++) {
                map[r * d + col] = r == col ? r : (col > r ? next++ : count);
            }
        }
        int[] shape = Arrays.copyOf(entries.shape(), last + 2);
        shape[last] = d;
        shape[last + 1] = d;
        return source.indexSelect(last, Tensors.of(map)).reshape(shape);
    }

    /**
     * Turns unnormalised weights into component weights: a softmax over the last axis (shifted by the maximum for
     * stability).
     *
     * @param w {@code [B, K]}
     * @return positive weights summing to one per row
     */
    public static Tensor normalizeWeights(Tensor w) {
        return w.sub(w.max()).softmax(w.dim() - 1);
    }

    /**
     * Draws one component per sample with probabilities {@code w}: the index k with
     * {@code Σ_{j<k} w_j ≤ u < Σ_{j≤k} w_j} for a uniform u. Pass a generator with a fixed seed for consistent
     * choices (FrEIA's integer seed).
     *
     * @param w   component weights {@code [B, K]}, positive and summing to one per row
     * @param rng the generator
     * @return the indices {@code [B, 1]} in {@code w}'s dtype, ready to pass as the condition {@code i}
     */
    public static Tensor pickMixtureComponent(Tensor w, Rng rng) {
        if (w.dim() != 2) {
            throw new IllegalArgumentException("GaussianMixtureModel.pickMixtureComponent: expected weights [B, K],"
                    + " got " + Arrays.toString(w.shape()));
        }
        int batch = w.size(0);
        int k = w.size(1);
        double[] weights = w.toDoubleArray();
        double[] out = new double[batch];
        for (int b = 0; b < batch; b++) {
            double u = rng.nextDouble();
            double threshold = 0;
            int index = 0;
            for (int j = 0; j < k; j++) {
                threshold += weights[b * k + j];
                if (u > threshold) {
                    index++;
                }
            }
            // Rounding can leave the total just below 1; u beyond it belongs to the last component.
            out[b] = Math.min(index, k - 1);
        }
        return Tensors.of(out, batch, 1).to(w.dtype());
    }

    /**
     * The negative log-likelihood of a mixture density network, {@code −ln Σ_k w_k·exp(−½|z_k|² + lj_k)}, computed
     * with the largest exponent factored out so it neither overflows nor underflows. It is the negative
     * log-density of x under the mixture minus {@code (d/2)·ln 2π}.
     *
     * @param w           weights {@code [B, K]}
     * @param z           latent codes of all components {@code [B, K, d]} ({@link #allComponents})
     * @param logJacobian their log-dets {@code [B, K]}
     * @return {@code [B]}
     */
    public static Tensor nllLoss(Tensor w, Tensor z, Tensor logJacobian) {
        Tensor exponent = z.square().sum(2).mul(-0.5).add(logJacobian);
        Tensor shift = exponent.max(1, true).values().detach();
        return exponent.sub(shift).exp().mul(w).sum(1).log().add(shift.squeeze(1)).neg();
    }

    /**
     * The output shape equals the input shape.
     *
     * @param inputDims one shape
     * @return the same shapes
     */
    @Override
    public List<Shape> outputDims(List<Shape> inputDims) {
        return inputDims;
    }
}
