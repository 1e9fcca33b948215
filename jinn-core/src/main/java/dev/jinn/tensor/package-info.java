/**
 * Tensors: {@link dev.jinn.tensor.Tensor} (shapes, strides, views, NumPy broadcasting,
 * float32/float64/int64/bool) with its fluent operations, each recorded for {@link dev.jinn.autograd} with a
 * backward rule written as tensor operations (so gradients of gradients work), and the explicit random source
 * {@link dev.jinn.tensor.Rng}. {@link dev.jinn.tensor.AutogradAccess} is the internal bridge through which the
 * autograd package reaches a tensor's graph state.
 *
 * <p>Operations are grouped by family in package-private classes, each op's forward and backward side by
 * side: {@code UnaryOps}, {@code BinaryOps}, {@code ReductionOps}, {@code ViewOps}, {@code JoinOps},
 * {@code IndexOps}, {@code LinalgOps}; {@code Elementwise} holds the shared loops.
 */
package dev.jinn.tensor;
