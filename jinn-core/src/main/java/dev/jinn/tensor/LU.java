package dev.jinn.tensor;

/**
 * The result of {@link Tensor#lu()}: the LU factorization with partial pivoting {@code P·A = L·U} of square
 * matrices (batched over leading dims), packed as LAPACK's {@code getrf} packs it.
 *
 * @param factors {@code [..., n, n]}: {@code U} on and above the diagonal, the strictly lower part of the unit
 *                lower triangular {@code L} below it
 * @param pivots  {@code [..., n]} int64, 0-based (PyTorch's are 1-based): at step {@code i}, row {@code i} was
 *                swapped with row {@code pivots[i] >= i}
 */
public record LU(Tensor factors, Tensor pivots) {
    /**
     * The unit lower triangular factor {@code L}.
     *
     * @return {@code [..., n, n]}
     */
    public Tensor l() {
        int n = factors.size(-1);
        return factors.tril(-1).add(Tensors.eye(factors.dtype(), n));
    }

    /**
     * The upper triangular factor {@code U}.
     *
     * @return {@code [..., n, n]}
     */
    public Tensor u() {
        return factors.triu(0);
    }
}
