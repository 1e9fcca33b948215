/**
 * Define-by-run automatic differentiation over {@link dev.jinn.tensor.Tensor}s: {@link dev.jinn.autograd.Grad}
 * (recording scopes, vector-Jacobian products, {@code backward} over several roots, the memory a graph keeps),
 * custom {@link dev.jinn.autograd.Function}s with their {@link dev.jinn.autograd.FunctionContext}, the
 * finite-difference checker {@link dev.jinn.autograd.GradCheck}, and the graph itself: a
 * {@link dev.jinn.autograd.GradNode} per recorded operation (built-in ones carry a
 * {@link dev.jinn.autograd.BackwardFn}), linked by edges to the nodes of their inputs and to the sinks that
 * accumulate leaf gradients; {@code Engine} runs backward passes over it.
 *
 * <p>The graph state a tensor carries (its node, its output index, its leaf sink) stays package-private in
 * {@code dev.jinn.tensor}; this package reaches it only through {@link dev.jinn.tensor.AutogradAccess}.
 */
package dev.jinn.autograd;
