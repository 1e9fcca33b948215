package dev.jinn.tensor;

/**
 * The result of {@link Tensor#eigh()}: {@code A = V·diag(λ)·Vᵀ} for symmetric matrices (batched over leading
 * dims).
 *
 * @param eigenvalues  {@code [..., n]} in ascending order
 * @param eigenvectors {@code [..., n, n]}, orthonormal eigenvectors as columns (each one's sign is arbitrary)
 */
public record Eigh(Tensor eigenvalues, Tensor eigenvectors) {
}
