package dev.jinn.tensor;

/**
 * The result of {@link Tensor#svd()}: the reduced singular value decomposition {@code A = U·diag(S)·Vᴴ} of an
 * {@code m×n} matrix (batched over leading dims), with {@code k = min(m, n)}.
 *
 * @param u  {@code [..., m, k]} with orthonormal columns
 * @param s  {@code [..., k]}, the singular values in descending order
 * @param vh {@code [..., k, n]} with orthonormal rows
 */
public record SVD(Tensor u, Tensor s, Tensor vh) {
}
