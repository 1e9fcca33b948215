package dev.jinn.autograd;

import dev.jinn.tensor.Tensor;

/**
 * The backward rule of a single-output operation, written with tensor operations so that it is itself
 * differentiable (gradients of gradients come for free).
 */
@FunctionalInterface
public interface BackwardFn {
    /**
     * Computes the gradients of the inputs.
     *
     * @param grad the gradient of the output
     * @param node the node, so the rule can skip inputs that need no gradient ({@link GradNode#needs(int)})
     * @return one gradient per input, {@code null} where not needed
     */
    Tensor[] apply(Tensor grad, GradNode node);

    /**
     * Called once when the node is released after its backward pass (the graph is not retained): a rule that
     * owns pooled arrays hands them back here. Most rules hold nothing that needs it.
     */
    default void release() {
    }
}
