package dev.jinn.autograd;

import dev.jinn.tensor.DType;
import dev.jinn.tensor.Tensor;

/**
 * A recorded operation in the autograd graph (PyTorch's {@code grad_fn}). It knows the edges to the producers of its differentiable
 * inputs ({@code null} for inputs that need no gradient) and turns the gradients of its outputs into the
 * gradients of its inputs. Only this package makes nodes: built-in operations through
 * {@link Grad#record}, custom ones through {@link Function}.
 */
public abstract class GradNode {
    private static final Edge[] NO_EDGES = new Edge[0];

    /** One edge per input of the operation; {@code null} where the input needs no gradient. */
    final Edge[] next;
    /** Human-readable name such as {@code MulBackward}, shown in {@link Tensor#toString()}. */
    private final String name;
    private boolean released;
    /**
     * During a backward pass, which inputs lead to a gradient that pass wants (null outside a pass: all with an
     * edge). A {@link Grad#grad} call for some inputs must not compute the others' gradients, e.g. the weight
     * gradients of every layer when only the input's vector-Jacobian product is asked for.
     */
    private boolean[] wanted;

    GradNode(String name, Edge[] next) {
        this.name = name;
        this.next = next == null ? NO_EDGES : next;
    }

    /**
     * The operation's name, like PyTorch's {@code grad_fn} names.
     *
     * @return e.g. {@code "MulBackward"}
     */
    public final String name() {
        return name;
    }

    /** Number of outputs of the recorded operation. */
    int numOutputs() {
        return 1;
    }

    /**
     * Computes the input gradients from the output gradients. Missing output gradients have already been
     * replaced by zeros. Entries for inputs that need no gradient may be {@code null}.
     */
    abstract Tensor[] apply(Tensor[] gradOutputs);

    /**
     * Whether input {@code i} needs a gradient (in the backward pass now running, if any): a backward rule
     * skips the gradients of the inputs for which this is false.
     *
     * @param i the input's position in the recorded operation
     * @return true when the gradient of input {@code i} is wanted
     */
    public final boolean needs(int i) {
        return i < next.length && next[i] != null && (wanted == null || wanted[i]);
    }

    /** Runs {@link #apply}, first checking that the saved state has not been freed. */
    final Tensor[] run(Tensor[] gradOutputs) {
        return run(gradOutputs, null);
    }

    /**
     * Runs {@link #apply} for a backward pass that wants only the inputs marked in {@code wantedInputs} (null:
     * all), first checking that the saved state has not been freed.
     */
    final Tensor[] run(Tensor[] gradOutputs, boolean[] wantedInputs) {
        if (released) {
            throw new IllegalStateException("backward: trying to backward through the graph a second time "
                    + "(through " + name + "); its saved tensors were freed after the first backward. "
                    + "Pass retainGraph=true to the first backward if you need to backward twice.");
        }
        // Restored afterwards: a rule may itself run a backward pass that reaches this node.
        boolean[] outer = wanted;
        wanted = wantedInputs;
        try {
            return apply(gradOutputs);
        } finally {
            wanted = outer;
        }
    }

    /** Frees what the node saved for backward; a later backward through it fails with a clear error. */
    void release() {
        released = true;
        releaseSaved();
    }

    /** Drops references to saved tensors. */
    abstract void releaseSaved();

    /** The shape of output {@code i}, used to materialise zero gradients. */
    abstract int[] outputShape(int i);

    /** The dtype of output {@code i}, used to materialise zero gradients. */
    abstract DType outputType(int i);
}
