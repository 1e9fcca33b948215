/**
 * Tensors and automatic differentiation: {@link dev.jinn.tensor.Tensor} (shapes, strides, views, NumPy
 * broadcasting, float32/float64/int64/bool), define-by-run autograd with backward rules written as tensor
 * operations (so gradients of gradients work), {@link dev.jinn.tensor.Grad} scopes and vector-Jacobian
 * products, custom {@link dev.jinn.tensor.Function}s, the finite-difference checker
 * {@link dev.jinn.tensor.GradCheck} and the explicit random source {@link dev.jinn.tensor.Rng}.
 *
 * <p>Operations are grouped by family in package-private classes, each op's forward and backward side by
 * side: {@code UnaryOps}, {@code BinaryOps}, {@code ReductionOps}, {@code ViewOps}, {@code JoinOps},
 * {@code IndexOps}, {@code LinalgOps}; {@code Elementwise} holds the shared loops and {@code Engine} runs
 * backward passes.
 */
package dev.jinn.tensor;
