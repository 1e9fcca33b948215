package dev.jinn.tensor;

/**
 * Linear solvers for batches of small matrices, like {@code torch.linalg.solve} and
 * {@code torch.linalg.solve_triangular}. Every function takes {@code [..., m, n]} and works on each matrix of
 * the leading (batch) dims, in double precision (float32 inputs give float32 results); a singular matrix
 * throws {@link ArithmeticException} naming the operation and the matrix's index in the batch. The
 * decompositions ({@link Tensor#lu()}, {@link Tensor#qr()}, {@link Tensor#cholesky()}, {@link Tensor#eigh()},
 * {@link Tensor#svd()}, {@link Tensor#slogdet()}) and {@link Tensor#inverse()} are tensor methods.
 */
public final class Linalg {
    private Linalg() {
    }

    /**
     * Solves {@code A·X = B} by LU with partial pivoting. {@code B} is a batch of matrices {@code [..., n, k]}
     * or of vectors: a 1-D {@code [n]}, or {@code [..., n]} with exactly {@code A}'s batch dims (PyTorch's
     * rule); batch dims broadcast. Differentiable in both operands ({@code gB = A⁻ᵀ·g}, {@code gA = -gB·Xᵀ}),
     * twice too.
     *
     * @param a the square matrices {@code [..., n, n]}
     * @param b the right-hand sides
     * @return {@code X}, shaped like the broadcast {@code B}
     * @throws IllegalArgumentException for non-square {@code A} or a {@code B} whose rows do not match
     * @throws ArithmeticException when a matrix of {@code A} is singular
     */
    public static Tensor solve(Tensor a, Tensor b) {
        return DecompOps.solve(a, b);
    }

    /**
     * Solves {@code A·X = B} for triangular {@code A} by substitution, reading only the named triangle of
     * {@code A} (with {@code unitriangular}, not even its diagonal). Batch dims broadcast. Differentiable in
     * both operands; {@code A}'s gradient is confined to the triangle that was read.
     *
     * @param a             the matrices {@code [..., n, n]}
     * @param b             the right-hand sides {@code [..., n, k]}
     * @param upper         whether {@code A} is upper (else lower) triangular
     * @param unitriangular whether {@code A}'s diagonal is taken as all ones
     * @return {@code X = A⁻¹·B}
     * @throws IllegalArgumentException for non-square {@code A} or a {@code B} whose rows do not match
     * @throws ArithmeticException when a diagonal element of {@code A} is zero (and not {@code unitriangular})
     */
    public static Tensor solveTriangular(Tensor a, Tensor b, boolean upper, boolean unitriangular) {
        return DecompOps.solveTriangular(a, b, upper, unitriangular);
    }
}
