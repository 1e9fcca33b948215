package dev.jinn.autograd;

import dev.jinn.tensor.AutogradAccess;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Autograd controls: scopes that switch recording off (or back on) and vector-Jacobian products that do not
 * touch any tensor's {@link Tensor#grad()}.
 *
 * <pre>{@code
 * try (var g = Grad.disabled()) {
 *     Tensor z = flow.apply(x);            // nothing is recorded
 * }
 * Tensor gx = Grad.grad(y, x, true);       // differentiable dy/dx (gradients of gradients)
 * }</pre>
 */
public final class Grad {
    private Grad() {
    }

    /** A scope that restores the previous recording mode when closed. */
    public static final class Scope implements AutoCloseable {
        private final boolean previous;
        private boolean closed;

        private Scope(boolean enabled) {
            this.previous = GradMode.set(enabled);
        }

        /**
         * Restores the recording mode that was active when the scope was opened. Closing again does nothing, so a
         * stray second close cannot flip the mode of a scope opened since.
         */
        @Override
        public void close() {
            if (!closed) {
                closed = true;
                GradMode.set(previous);
            }
        }
    }

    /**
     * Tells whether operations on this thread currently record themselves for autograd.
     *
     * @return true unless inside a {@link #disabled()} scope
     */
    public static boolean isEnabled() {
        return GradMode.isEnabled();
    }

    /**
     * Opens a scope in which no operation is recorded (inference, parameter updates).
     *
     * @return the scope, to be closed by try-with-resources
     */
    public static Scope disabled() {
        return new Scope(false);
    }

    /**
     * Opens a scope in which recording is on again, e.g. inside a {@link #disabled()} scope.
     *
     * @return the scope, to be closed by try-with-resources
     */
    public static Scope enabled() {
        return new Scope(true);
    }

    /**
     * Vector-Jacobian products: the gradients of {@code sum_k <gradOutputs[k], outputs[k]>} with respect to
     * each of {@code inputs}, without accumulating into any {@code grad()}.
     *
     * <p>An input that the outputs do not depend on gets a zero gradient, but at least one output must require a
     * gradient: differentiating only untracked outputs (typically computed inside {@link #disabled()}) is an
     * error rather than a silent zero. The graph is kept when
     * {@code createGraph} is true (so the results can be differentiated again) and freed otherwise.
     *
     * @param outputs     tensors to differentiate
     * @param inputs      tensors to differentiate with respect to; each must require a gradient
     * @param gradOutputs one gradient per output with the output's shape; {@code null} (the list or an entry)
     *                    means ones, allowed for single-element outputs only
     * @param createGraph record the backward computation so that the results are differentiable
     * @return one gradient per input, with the input's shape
     * @throws IllegalArgumentException when an input does not require a gradient, no output requires one, or a
     *                                  gradOutput does not match its output's shape
     */
    public static List<Tensor> grad(List<Tensor> outputs, List<Tensor> inputs, List<Tensor> gradOutputs,
            boolean createGraph) {
        return grad(outputs, inputs, gradOutputs, createGraph, createGraph);
    }

    /**
     * As {@link #grad(List, List, List, boolean)}, with explicit control over keeping the graph.
     *
     * @param outputs     tensors to differentiate
     * @param inputs      tensors to differentiate with respect to
     * @param gradOutputs one gradient per output, or null for ones on single-element outputs
     * @param createGraph record the backward computation
     * @param retainGraph keep the graph's saved tensors for a later backward
     * @return one gradient per input
     */
    public static List<Tensor> grad(List<Tensor> outputs, List<Tensor> inputs, List<Tensor> gradOutputs,
            boolean createGraph, boolean retainGraph) {
        List<Tensor> seeds = seeds("grad", outputs, gradOutputs);
        Edge[] targets = new Edge[inputs.size()];
        for (int i = 0; i < inputs.size(); i++) {
            Tensor x = inputs.get(i);
            if (!x.requiresGrad()) {
                throw new IllegalArgumentException("grad: input " + i + " (shape " + Arrays.toString(x.shape())
                        + ") does not require a gradient");
            }
            targets[i] = Edge.of(x);
        }
        List<Tensor> roots = new ArrayList<>();
        List<Tensor> rootGrads = new ArrayList<>();
        for (int i = 0; i < outputs.size(); i++) {
            if (outputs.get(i).requiresGrad()) {
                roots.add(outputs.get(i));
                rootGrads.add(seeds.get(i));
            }
        }
        if (roots.isEmpty()) {
            throw new IllegalArgumentException("grad: no output requires a gradient, so none depends on the inputs "
                    + "through recorded operations (were the outputs computed inside Grad.disabled()?)");
        }
        Tensor[] captured = Engine.run(roots, rootGrads, targets, retainGraph, createGraph);
        List<Tensor> result = new ArrayList<>(inputs.size());
        for (int i = 0; i < inputs.size(); i++) {
            Tensor g = captured[i];
            result.add(g != null ? g : Tensors.zeros(inputs.get(i).dtype(), inputs.get(i).shape()));
        }
        return result;
    }

    /**
     * The gradient of a single-element {@code output} with respect to {@code input}.
     *
     * @param output      a tensor with one element
     * @param input       a tensor that requires a gradient
     * @param createGraph record the backward computation so that the result is differentiable
     * @return d output / d input, shaped like {@code input}
     */
    public static Tensor grad(Tensor output, Tensor input, boolean createGraph) {
        return grad(List.of(output), List.of(input), null, createGraph).get(0);
    }

    /**
     * The memory the recorded graph behind {@code roots} keeps for its backward pass: the bytes of the distinct
     * storages that its backward rules saved (activations, masks, recycled buffers), without the parameters',
     * which the model holds anyway. Call it at the end of a forward pass, before {@code backward()} frees the
     * graph; it walks the graph and changes nothing.
     *
     * @param roots the outputs whose graphs to measure (e.g. the loss)
     * @return bytes held for backward; 0 for untracked tensors
     */
    public static long savedBytes(Tensor... roots) {
        return GraphMemory.savedBytes(roots);
    }

    /**
     * Back-propagates from {@code roots}, accumulating into the leaves' {@link Tensor#grad()}, as
     * {@code torch.autograd.backward} does; {@link Tensor#backward()} is this for one root.
     *
     * @param roots       the tensors to differentiate (each must require a gradient)
     * @param gradOutputs the gradient with respect to each root, or null for all ones (single-element roots)
     * @param retainGraph keep the saved tensors for another backward
     */
    public static void backward(List<Tensor> roots, List<Tensor> gradOutputs, boolean retainGraph) {
        Engine.run(roots, seeds("backward", roots, gradOutputs), null, retainGraph, false);
    }

    /**
     * Records {@code out} as computed from {@code inputs} by a single-output operation whose backward rule is
     * {@code rule}, when recording is on and any input requires a gradient (a non-floating result is never
     * recorded). This is how the built-in operations join the graph; {@link Function} is the richer way for
     * operations with several outputs or saved state.
     *
     * @param name   the node's name, e.g. {@code "MulBackward"}
     * @param out    the operation's fresh result (not yet part of any graph)
     * @param rule   computes the inputs' gradients from the output's
     * @param inputs the operation's inputs, in the order the rule returns their gradients
     * @return {@code out}
     */
    public static Tensor record(String name, Tensor out, BackwardFn rule, Tensor... inputs) {
        if (!GradMode.isEnabled()) {
            return out;
        }
        Edge[] edges = null;
        for (int i = 0; i < inputs.length; i++) {
            Edge e = Edge.of(inputs[i]);
            if (e != null) {
                if (edges == null) {
                    edges = new Edge[inputs.length];
                }
                edges[i] = e;
            }
        }
        if (edges != null && out.dtype().isFloatingPoint()) {
            AutogradAccess.attach(out, new OpNode(name, edges, rule, out.shape(), out.dtype()), 0);
        }
        return out;
    }

    /** Checks gradOutputs against outputs, replacing missing ones by ones for single-element outputs. */
    static List<Tensor> seeds(String op, List<Tensor> outputs, List<Tensor> gradOutputs) {
        if (gradOutputs != null && gradOutputs.size() != outputs.size()) {
            throw new IllegalArgumentException(op + ": got " + gradOutputs.size() + " gradOutputs for "
                    + outputs.size() + " outputs");
        }
        List<Tensor> seeds = new ArrayList<>(outputs.size());
        for (int i = 0; i < outputs.size(); i++) {
            Tensor out = outputs.get(i);
            Tensor g = gradOutputs == null ? null : gradOutputs.get(i);
            if (g == null) {
                if (out.numel() != 1) {
                    throw new IllegalArgumentException(op + ": a gradient can be implied only for outputs with "
                            + "one element, but output " + i + " has shape " + Arrays.toString(out.shape()));
                }
                g = Tensors.ones(out.dtype(), out.shape());
            } else if (!Arrays.equals(g.shape(), out.shape())) {
                throw new IllegalArgumentException(op + ": gradOutput " + i + " has shape " + Arrays.toString(g.shape())
                        + " but output " + i + " has shape " + Arrays.toString(out.shape()));
            }
            seeds.add(g);
        }
        return seeds;
    }
}
