package dev.jinn.tensor;

/**
 * The result of {@link Tensor#slogdet()}: {@code det(A) = sign · exp(logAbsDet)}, batched like the input's
 * leading dims.
 *
 * @param sign      +1 or -1, or 0 for a singular matrix (not differentiable)
 * @param logAbsDet {@code log|det(A)|}, {@code -inf} for a singular matrix (differentiable)
 */
public record SignLogAbsDet(Tensor sign, Tensor logAbsDet) {
}
