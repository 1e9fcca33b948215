package dev.jinn.tensor;

/**
 * A recorded operation in the autograd graph. It knows the edges to the producers of its differentiable
 * inputs ({@code null} for inputs that need no gradient) and turns the gradients of its outputs into the
 * gradients of its inputs.
 */
abstract class Node {
    private static final Edge[] NO_EDGES = new Edge[0];

    /** One edge per input of the operation; {@code null} where the input needs no gradient. */
    final Edge[] next;
    /** Human-readable name such as {@code MulBackward}, shown in {@link Tensor#toString()}. */
    final String name;
    private boolean released;

    Node(String name, Edge[] next) {
        this.name = name;
        this.next = next == null ? NO_EDGES : next;
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

    /** Whether input {@code i} needs a gradient. */
    final boolean needs(int i) {
        return i < next.length && next[i] != null;
    }

    /** Runs {@link #apply}, first checking that the saved state has not been freed. */
    final Tensor[] run(Tensor[] gradOutputs) {
        if (released) {
            throw new IllegalStateException("backward: trying to backward through the graph a second time "
                    + "(through " + name + "); its saved tensors were freed after the first backward. "
                    + "Pass retainGraph=true to the first backward if you need to backward twice.");
        }
        return apply(gradOutputs);
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
