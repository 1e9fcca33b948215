package dev.jinn.autograd;

import dev.jinn.tensor.AutogradAccess;
import dev.jinn.tensor.DType;
import dev.jinn.tensor.Tensor;

/**
 * A user-defined differentiable operation with a hand-written backward rule: for composite operations whose
 * gradient has a cheaper closed form, for operations outside jinn, and for recomputing activations from an
 * inverse instead of storing them.
 *
 * <p>{@link #forward} runs with recording switched off; {@link #backward} receives the gradients of the
 * outputs (zeros for outputs that received none) and returns one gradient per input ({@code null} where
 * {@link FunctionContext#needsInputGrad(int)} is false). When the backward rule is written with tensor
 * operations on saved tensors, gradients of gradients work too.
 *
 * <pre>{@code
 * class Cube extends Function {
 *     protected Tensor[] forward(FunctionContext ctx, Tensor... in) {
 *         ctx.saveForBackward(in[0]);
 *         return new Tensor[] {in[0].pow(3)};
 *     }
 *     protected Tensor[] backward(FunctionContext ctx, Tensor... grad) {
 *         Tensor x = ctx.savedTensors().get(0);
 *         return new Tensor[] {grad[0].mul(x.square()).mul(3)};
 *     }
 * }
 * Tensor y = new Cube().applyOne(x);
 * }</pre>
 */
public abstract class Function {
    /** Creates the function; subclasses carry any configuration as fields. */
    protected Function() {
    }

    /**
     * Computes the outputs (recording is off here).
     *
     * @param ctx    where to keep what backward needs
     * @param inputs the inputs as passed to {@link #apply}
     * @return the outputs
     */
    protected abstract Tensor[] forward(FunctionContext ctx, Tensor... inputs);

    /**
     * Computes the gradients of the inputs from those of the outputs.
     *
     * @param ctx         what forward kept
     * @param gradOutputs one gradient per output, shaped like it
     * @return one gradient per input (shaped like it), or null where not needed
     */
    protected abstract Tensor[] backward(FunctionContext ctx, Tensor... gradOutputs);

    /**
     * The name shown as the outputs' {@link Tensor#gradFnName()} and in error messages.
     *
     * @return the simple class name followed by "Backward"
     */
    public String name() {
        String simple = getClass().getSimpleName();
        return (simple.isEmpty() ? "Function" : simple) + "Backward";
    }

    /**
     * Runs the function and records it for autograd when any input requires a gradient.
     *
     * @param inputs the inputs
     * @return the outputs
     */
    public final Tensor[] apply(Tensor... inputs) {
        FunctionContext ctx = new FunctionContext(name());
        // Which inputs need a gradient is known before forward runs, so forward can save only what is needed.
        boolean recording = Grad.isEnabled();
        Edge[] edges = new Edge[inputs.length];
        boolean[] needs = new boolean[inputs.length];
        boolean any = false;
        for (int i = 0; i < inputs.length && recording; i++) {
            edges[i] = Edge.of(inputs[i]);
            needs[i] = edges[i] != null;
            any |= needs[i];
        }
        ctx.setNeedsInputGrad(needs);
        Tensor[] outputs;
        try (Grad.Scope s = Grad.disabled()) {
            outputs = forward(ctx, inputs);
        }
        if (outputs == null || outputs.length == 0) {
            throw new IllegalStateException(name() + ": forward must return at least one tensor");
        }
        outputs = distinct(outputs, inputs);
        if (!any) {
            return outputs;
        }
        FunctionNode node = new FunctionNode(this, ctx, edges, inputs.length, outputs);
        for (int i = 0; i < outputs.length; i++) {
            if (outputs[i].dtype().isFloatingPoint()) {
                AutogradAccess.attach(outputs[i], node, i);
            }
        }
        return outputs;
    }

    /**
     * Runs a function that returns exactly one output.
     *
     * @param inputs the inputs
     * @return the single output
     */
    public final Tensor applyOne(Tensor... inputs) {
        Tensor[] out = apply(inputs);
        if (out.length != 1) {
            throw new IllegalStateException(name() + ": applyOne expects one output, forward returned " + out.length);
        }
        return out[0];
    }

    /** Outputs must be fresh objects: an input (or repeated output) returned as-is becomes an alias view. */
    private static Tensor[] distinct(Tensor[] outputs, Tensor[] inputs) {
        Tensor[] result = outputs.clone();
        for (int i = 0; i < result.length; i++) {
            boolean reused = AutogradAccess.gradFn(result[i]) != null || result[i].requiresGrad();
            for (Tensor in : inputs) {
                reused |= in == result[i];
            }
            for (int j = 0; j < i; j++) {
                reused |= result[j] == result[i];
            }
            if (reused) {
                result[i] = result[i].detach();
            }
        }
        return result;
    }

    /** The graph node of one application of a {@link Function}. */
    private static final class FunctionNode extends GradNode {
        private final Function function;
        private final FunctionContext ctx;
        private final int numInputs;
        private final int[][] outShapes;
        private final DType[] outTypes;

        FunctionNode(Function function, FunctionContext ctx, Edge[] edges, int numInputs, Tensor[] outputs) {
            super(function.name(), edges);
            this.function = function;
            this.ctx = ctx;
            this.numInputs = numInputs;
            this.outShapes = new int[outputs.length][];
            this.outTypes = new DType[outputs.length];
            for (int i = 0; i < outputs.length; i++) {
                outShapes[i] = outputs[i].shape();
                outTypes[i] = outputs[i].dtype();
            }
        }

        @Override
        int numOutputs() {
            return outShapes.length;
        }

        @Override
        Tensor[] apply(Tensor[] gradOutputs) {
            Tensor[] grads = function.backward(ctx, gradOutputs);
            if (grads == null || grads.length != numInputs) {
                throw new IllegalStateException(name() + ": backward returned " + (grads == null ? "null" : grads.length
                        + " gradients") + " but forward took " + numInputs + " inputs");
            }
            return grads;
        }

        @Override
        void releaseSaved() {
            ctx.release();
        }

        @Override
        int[] outputShape(int i) {
            return outShapes[i];
        }

        @Override
        DType outputType(int i) {
            return outTypes[i];
        }
    }
}
