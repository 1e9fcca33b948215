package dev.jinn.autograd;

import dev.jinn.tensor.DType;
import dev.jinn.tensor.Tensor;

/** The node of a built-in single-output operation; its backward rule is a {@link BackwardFn}. */
final class OpNode extends GradNode {
    private BackwardFn rule;
    private final int[] outShape;
    private final DType outType;

    OpNode(String name, Edge[] next, BackwardFn rule, int[] outShape, DType outType) {
        super(name, next);
        this.rule = rule;
        this.outShape = outShape;
        this.outType = outType;
    }

    @Override
    Tensor[] apply(Tensor[] gradOutputs) {
        return rule.apply(gradOutputs[0], this);
    }

    @Override
    void releaseSaved() {
        if (rule != null) {
            rule.release();
        }
        rule = null;
    }

    @Override
    int[] outputShape(int i) {
        return outShape;
    }

    @Override
    DType outputType(int i) {
        return outType;
    }
}
