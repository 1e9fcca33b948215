package dev.jinn.tensor;

/**
 * The result of {@link Tensor#qr()}: the reduced factorization {@code A = Q·R} of an {@code m×n} matrix
 * (batched over leading dims), with {@code k = min(m, n)}.
 *
 * @param q {@code [..., m, k]} with orthonormal columns
 * @param r {@code [..., k, n]}, upper triangular; its diagonal may be negative (LAPACK's and PyTorch's
 *          convention)
 */
public record QR(Tensor q, Tensor r) {
}
