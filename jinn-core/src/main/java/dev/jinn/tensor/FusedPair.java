package dev.jinn.tensor;

import dev.jinn.autograd.BackwardFn;
import dev.jinn.autograd.Grad;
import dev.jinn.autograd.GradNode;
import dev.jinn.kernel.Parallel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The backward rule and bookkeeping shared by the fused {@code layer → relu → layer} ops (two-layer perceptron,
 * convolution pair): the operands {@code (x, w1, b1, w2, b2)} with optional biases, the hidden activations
 * {@code h} in a {@link BufferPool} array that the rule owns until its node is released, and the choice
 * between the fused gradient kernels and, when the backward pass is itself recorded (double backward), the
 * same gradients from differentiable ops.
 */
abstract class FusedPair implements BackwardFn {
    /** The input. */
    final Tensor x;
    /** The first layer's weight. */
    final Tensor w1;
    /** The first layer's bias, or null. */
    final Tensor b1;
    /** The second layer's weight. */
    final Tensor w2;
    /** The second layer's bias, or null. */
    final Tensor b2;
    /** The hidden activations {@code relu(layer1(x))}, a pooled array; null once handed back. */
    Object h;

    FusedPair(Tensor x, Tensor w1, Tensor b1, Tensor w2, Tensor b2, Object h) {
        this.x = x;
        this.w1 = w1;
        this.b1 = b1;
        this.w2 = w2;
        this.b2 = b2;
        this.h = h;
    }

    /**
     * Attaches this rule to the output {@code y}, or hands the hidden activations back at once when nothing
     * will differentiate through it (gradients off, or no operand needs one).
     *
     * @param name the node's name
     * @param y    the fused op's output
     * @return y
     */
    final Tensor record(String name, Tensor y) {
        List<Tensor> inputs = new ArrayList<>(List.of(x, w1));
        if (b1 != null) {
            inputs.add(b1);
        }
        inputs.add(w2);
        if (b2 != null) {
            inputs.add(b2);
        }
        if (!differentiated(inputs.toArray(new Tensor[0]))) {
            release();
            return y;
        }
        return Tensor.record(name, y, this, inputs.toArray(new Tensor[0]));
    }

    /**
     * Whether an op on these operands would be recorded: gradients are on and one of them (null for an absent
     * bias) needs a gradient.
     *
     * @param operands the op's tensor operands
     * @return true when a backward pass will run through the op
     */
    static boolean differentiated(Tensor... operands) {
        if (!Grad.isEnabled()) {
            return false;
        }
        for (Tensor t : operands) {
            if (t != null && t.requiresGrad()) {
                return true;
            }
        }
        return false;
    }

    @Override
    public final Tensor[] apply(Tensor g, GradNode node) {
        Tensor[] grads = Grad.isEnabled() ? recorded(g) : fused(g, node);
        // The node's inputs in record order: x, w1, [b1], w2, [b2].
        List<Tensor> wanted = new ArrayList<>(Arrays.asList(grads[0], grads[1]));
        if (b1 != null) {
            wanted.add(grads[2]);
        }
        wanted.add(grads[3]);
        if (b2 != null) {
            wanted.add(grads[4]);
        }
        Tensor[] result = wanted.toArray(new Tensor[0]);
        for (int i = 0; i < result.length; i++) {
            if (!node.needs(i)) {
                result[i] = null;
            }
        }
        return result;
    }

    /**
     * The gradients {@code (x, w1, b1, w2, b2)} from the saved activations, with kernels that record nothing;
     * entries not {@link #needed} may be null.
     */
    abstract Tensor[] fused(Tensor g, GradNode node);

    /** The same gradients from differentiable ops, recomputing the hidden activations from the operands. */
    abstract Tensor[] recorded(Tensor g);

    /** Whether the operand at position {@code p} of {@code (x, w1, b1, w2, b2)} needs a gradient. */
    final boolean needed(GradNode node, int p) {
        if (p == 2 && b1 == null || p == 4 && b2 == null) {
            return false;
        }
        return node.needs(p >= 3 && b1 == null ? p - 1 : p);
    }

    @Override
    public final void release() {
        BufferPool.give(h);
        h = null;
    }

    /**
     * {@code g[i] *= relu'(h[i])} with the unfused relu backward's arithmetic step ({@link UnaryOps#step(float)}:
     * 1 where h &gt; 0, 0 where h = 0, NaN for NaN), so the loop has no branch. {@code h = relu(pre)} is positive exactly
     * where {@code pre} is.
     *
     * @param type FLOAT32 or FLOAT64
     * @param g    the gradient, masked in place
     * @param h    the activations
     * @param n    number of elements
     */
    static void maskByActivation(DType type, Object g, Object h, int n) {
        if (type == DType.FLOAT32) {
            float[] gs = (float[]) g;
            float[] hs = (float[]) h;
            Parallel.forRange(n, 1, (from, to) -> {
                for (int i = from; i < to; i++) {
                    gs[i] = gs[i] * UnaryOps.step(hs[i]);
                }
            });
        } else {
            double[] gs = (double[]) g;
            double[] hs = (double[]) h;
            Parallel.forRange(n, 1, (from, to) -> {
                for (int i = from; i < to; i++) {
                    gs[i] = gs[i] * UnaryOps.step(hs[i]);
                }
            });
        }
    }
}
