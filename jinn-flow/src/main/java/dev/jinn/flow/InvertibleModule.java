package dev.jinn.flow;

import dev.jinn.nn.Module;
import dev.jinn.tensor.Tensor;
import java.util.List;

/**
 * An invertible map with a tractable log-Jacobian-determinant: the contract every block of a flow fulfils
 * (FrEIA's {@code InvertibleModule}). It is also an {@link Module}, so it has named parameters, a state dict and
 * train/eval modes.
 *
 * <p>A module is built for fixed per-sample input shapes {@link #dimsIn()} and condition shapes {@link #dimsC()}
 * (the batch axis is never part of a shape). It implements two methods:
 * <ul>
 *   <li>{@link #forward(List, List, boolean, boolean)}: maps inputs to outputs ({@code reverse = false}) or back
 *       ({@code reverse = true}), returning the per-sample log-det of the map it applied;</li>
 *   <li>{@link #outputDims(List)}: the output shapes for given input shapes.</li>
 * </ul>
 * Nothing else has to be registered: an instance can be appended to a {@link SequenceINN} or put in a graph
 * node directly, because a module is also the {@link ModuleSpec} that returns itself.
 *
 * <p>The convenience methods {@link #forward(Tensor)}, {@link #inverse(Tensor)} and their conditional forms check
 * the shapes, count and dtype of what they are given before running the module, and always return a log-det
 * of shape {@code [B]}.
 */
public abstract class InvertibleModule extends Module implements ModuleSpec {
    private final List<Shape> dimsIn;
    private final List<Shape> dimsC;
    private List<Shape> dimsOut;

    /**
     * Records the shapes the module is built for.
     *
     * @param dimsIn the input shapes, one per input tensor
     * @param dimsC  the condition shapes (empty for an unconditional module)
     */
    protected InvertibleModule(List<Shape> dimsIn, List<Shape> dimsC) {
        if (dimsIn == null || dimsIn.isEmpty()) {
            throw new IllegalArgumentException(getClass().getSimpleName()
                    + ": dimsIn must list at least one input shape (even with one input, wrap it in a list)");
        }
        if (dimsC == null) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": dimsC must not be null (use List.of())");
        }
        this.dimsIn = List.copyOf(dimsIn);
        this.dimsC = List.copyOf(dimsC);
    }

    /**
     * The input shapes the module was built for.
     *
     * @return one shape per input, batch axis excluded
     */
    public List<Shape> dimsIn() {
        return dimsIn;
    }

    /**
     * The condition shapes the module was built for.
     *
     * @return one shape per condition; empty if unconditional
     */
    public List<Shape> dimsC() {
        return dimsC;
    }

    /**
     * The output shapes for the module's own input shapes: {@code outputDims(dimsIn())}.
     *
     * @return one shape per output
     */
    public final List<Shape> dimsOut() {
        if (dimsOut == null) {
            dimsOut = List.copyOf(outputDims(dimsIn()));
        }
        return dimsOut;
    }

    /**
     * Applies the map or its inverse.
     *
     * @param x             the inputs (forward) or outputs (reverse), batch axis first
     * @param c             the conditions, in the order of {@link #dimsC()}
     * @param reverse       false for {@code f}, true for {@code f⁻¹}
     * @param computeLogDet whether the log-det is needed (a module may then return null instead)
     * @return the results and the per-sample log-det of the applied map ({@code [B]}, or one element, or null
     *         when not requested)
     */
    public abstract FlowResult forward(List<Tensor> x, List<Tensor> c, boolean reverse, boolean computeLogDet);

    /**
     * The output shapes for given input shapes.
     *
     * @param inputDims the input shapes
     * @return the output shapes
     */
    public abstract List<Shape> outputDims(List<Shape> inputDims);

    /**
     * Returns this module after checking that it was built for the given shapes: a built module used where a
     * spec is expected (FrEIA accepts module instances in nodes and sequences).
     *
     * @param inputDims the shapes the caller infers for the inputs
     * @param condDims  the shapes of the conditions the caller connects
     * @return this module
     * @throws IllegalArgumentException if the shapes differ from the ones the module was built for
     */
    @Override
    public final InvertibleModule build(List<Shape> inputDims, List<Shape> condDims) {
        if (!dimsIn().equals(inputDims)) {
            throw new IllegalArgumentException(describe() + " was built for inputs " + dimsIn()
                    + " but is connected to inputs " + inputDims);
        }
        if (!dimsC().equals(condDims)) {
            throw new IllegalArgumentException(describe() + " was built for conditions " + dimsC()
                    + " but is connected to conditions " + condDims);
        }
        return this;
    }

    /**
     * Applies the map to one input, without conditions.
     *
     * @param x the input, shape {@code [B, dimsIn()[0]...]}
     * @return the output and the log-det {@code [B]}
     */
    public FlowResult forward(Tensor x) {
        return forward(x, List.of());
    }

    /**
     * Applies the map to one input under conditions.
     *
     * @param x          the input
     * @param conditions the conditions, in the order of {@link #dimsC()}
     * @return the output and the log-det {@code [B]}
     */
    public FlowResult forward(Tensor x, List<Tensor> conditions) {
        return ModuleCall.run(this, describe(), List.of(x), conditions, false, true);
    }

    /**
     * Applies the inverse map to one output, without conditions.
     *
     * @param z the output to invert
     * @return the recovered input and the log-det of the inverse {@code [B]}
     */
    public FlowResult inverse(Tensor z) {
        return inverse(z, List.of());
    }

    /**
     * Applies the inverse map to one output under conditions.
     *
     * @param z          the output to invert
     * @param conditions the conditions
     * @return the recovered input and the log-det of the inverse {@code [B]}
     */
    public FlowResult inverse(Tensor z, List<Tensor> conditions) {
        return ModuleCall.run(this, describe(), List.of(z), conditions, true, true);
    }

    /**
     * The name used in error messages: the class name and the input shapes.
     *
     * @return e.g. {@code AllInOneBlock[(2,)]}
     */
    public String describe() {
        return getClass().getSimpleName() + dimsIn();
    }
}
