package dev.jinn.flow.residual;

import dev.jinn.tensor.Tensor;

/**
 * The outcome of a fixed-point inversion of {@code y = x + g(x)} (see {@link FixedPointSolver}).
 *
 * @param x          the last iterate (no autograd history)
 * @param iterations the number of iterations run
 * @param residual   the largest absolute change in the last iteration, {@code max|x_k − x_{k−1}|}, which equals
 *                   {@code max|x_{k−1} + g(x_{k−1}) − y|}; the error of {@code x} is at most
 *                   {@code residual·L/(1 − L)} for {@code Lip(g) ≤ L}
 * @param converged  whether every element met the tolerance before the iteration cap (false also when a value
 *                   became NaN or infinite)
 */
public record FixedPointResult(Tensor x, int iterations, double residual, boolean converged) {
}
