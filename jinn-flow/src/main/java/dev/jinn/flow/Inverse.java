package dev.jinn.flow;

import dev.jinn.tensor.Tensor;
import java.util.List;

/**
 * The inverse of an invertible module as a module of its own (FrEIA's {@code Inverse}): its forward is the
 * wrapped module's reverse and vice versa, and its input shapes are the wrapped module's output shapes.
 * Parameters are shared (state-dict keys {@code module.…}).
 */
public final class Inverse extends InvertibleModule {
    private final InvertibleModule module;

    /**
     * Wraps a module.
     *
     * @param module the module to invert
     */
    public Inverse(InvertibleModule module) {
        super(module.dimsOut(), module.dimsC());
        this.module = registerModule("module", module);
    }

    /**
     * The wrapped module.
     *
     * @return the module whose inverse this is
     */
    public InvertibleModule module() {
        return module;
    }

    /** Runs the wrapped module in the opposite direction. */
    @Override
    public FlowResult forward(List<Tensor> x, List<Tensor> c, boolean reverse, boolean computeLogDet) {
        return module.forward(x, c, !reverse, computeLogDet);
    }

    /** The wrapped module's input shapes (the given shapes must be its output shapes). */
    @Override
    public List<Shape> outputDims(List<Shape> inputDims) {
        if (!inputDims.equals(module.dimsOut())) {
            throw new IllegalArgumentException(describe() + ": input shapes " + inputDims
                    + " differ from the wrapped module's output shapes " + module.dimsOut());
        }
        return module.dimsIn();
    }

    @Override
    public String describe() {
        return "Inverse(" + module.describe() + ")";
    }
}
