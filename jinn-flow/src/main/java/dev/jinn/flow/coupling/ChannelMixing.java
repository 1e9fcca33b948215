package dev.jinn.flow.coupling;

import dev.jinn.tensor.DType;
import dev.jinn.tensor.QR;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;

/**
 * The channel permutations of {@link AllInOneBlock}: by index, by a matrix applied at every pixel, the
 * Haar-random rotation and the product of Householder reflections.
 */
final class ChannelMixing {
    private ChannelMixing() {
    }

    /**
     * {@code y[:, i] = x[:, p[i]]}.
     *
     * @param x     a batch, channels on axis 1
     * @param index int64 {@code [C]}
     * @return the permuted batch
     */
    static Tensor byIndex(Tensor x, Tensor index) {
        return x.indexSelect(1, index);
    }

    /**
     * {@code y = W x} at every pixel, i.e. {@code y[b, i, …] = Σ_j W[i, j]·x[b, j, …]} (what FrEIA's
     * {@code F.linear}/{@code F.conv*d} with a {@code (C, C, 1, …)} kernel compute).
     *
     * @param x a batch {@code [B, C, …]}
     * @param w {@code [C, C]} or {@code [C, C, 1, …]}; used at the dtype of {@code x}
     * @return the mixed batch, shaped like {@code x}
     */
    static Tensor byMatrix(Tensor x, Tensor w) {
        int c = x.size(1);
        Tensor m = w.reshape(c, c);
        if (m.dtype() != x.dtype()) {
            m = m.to(x.dtype());
        }
        if (x.dim() == 2) {
            return x.matmul(m.t());
        }
        return m.matmul(x.reshape(x.size(0), c, -1)).reshape(x.shape());
    }

    /**
     * A rotation drawn from the Haar measure on SO(n) (as scipy's {@code special_ortho_group}): the Q factor of
     * a standard Gaussian matrix with its columns' signs fixed so that R has a positive diagonal (which makes
     * Q Haar-distributed on O(n)), then the first row negated if the determinant is −1.
     *
     * @param rng the random source
     * @param n   the size
     * @return float64 {@code [n, n]}, orthogonal with determinant +1
     */
    static Tensor haarRotation(Rng rng, int n) {
        QR qr = Tensors.randn(rng, DType.FLOAT64, n, n).qr();
        double[] q = qr.q().toDoubleArray();
        double[] r = qr.r().toDoubleArray();
        for (int j = 0; j < n; j++) {
            if (r[j * n + j] < 0) {
                for (int i = 0; i < n; i++) {
                    q[i * n + j] = -q[i * n + j];
                }
            }
        }
        Tensor rotation = Tensors.of(q, n, n);
        if (n > 0 && rotation.slogdet().sign().item() < 0) {
            for (int j = 0; j < n; j++) {
                q[j] = -q[j];
            }
            rotation = Tensors.of(q, n, n);
        }
        return rotation;
    }

    /**
     * The permutation matrix of an index permutation: {@code P[i, p[i]] = 1}, so {@code P x} equals
     * {@link #byIndex}.
     *
     * @param index int64 {@code [n]}
     * @return float64 {@code [n, n]}
     */
    static Tensor permutationMatrix(Tensor index) {
        long[] p = index.toLongArray();
        int n = p.length;
        double[] m = new double[n * n];
        for (int i = 0; i < n; i++) {
            m[i * n + (int) p[i]] = 1;
        }
        return Tensors.of(m, n, n);
    }

    /**
     * The inverse of an index permutation (its argsort).
     *
     * @param index int64 {@code [n]}, a permutation of {@code 0..n-1}
     * @return int64 {@code [n]} with {@code inv[p[i]] = i}
     */
    static Tensor inversePermutation(Tensor index) {
        long[] p = index.toLongArray();
        long[] inv = new long[p.length];
        for (int i = 0; i < p.length; i++) {
            inv[(int) p[i]] = i;
        }
        return Tensors.of(inv, p.length);
    }

    /**
     * {@code W = W₀·H₁·…·H_K} with {@code H_k = I − 2 v_k v_kᵀ / (v_kᵀ v_k)}, the reflections multiplied on in the
     * order of the rows of {@code vk}.
     *
     * @param w0 {@code [C, C]}, used at the dtype of {@code vk}
     * @param vk {@code [K, C]}, the reflection vectors (differentiable)
     * @return {@code [C, C]}, orthogonal when {@code W₀} is
     */
    static Tensor householderProduct(Tensor w0, Tensor vk) {
        int c = vk.size(1);
        Tensor w = w0.dtype() == vk.dtype() ? w0 : w0.to(vk.dtype());
        Tensor eye = Tensors.eye(vk.dtype(), c);
        for (int k = 0; k < vk.size(0); k++) {
            Tensor v = vk.select(0, k);
            Tensor reflection = eye.sub(v.outer(v).mul(2.0).div(v.mul(v).sum()));
            w = w.matmul(reflection);
        }
        return w;
    }
}
