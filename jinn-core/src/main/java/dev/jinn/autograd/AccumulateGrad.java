package dev.jinn.autograd;

import dev.jinn.tensor.AutogradAccess;
import dev.jinn.tensor.DType;
import dev.jinn.tensor.Tensor;

/**
 * The sink node of a leaf tensor that requires a gradient: the gradient arriving here is added to the
 * leaf's {@link Tensor#grad()}.
 */
final class AccumulateGrad extends GradNode {
    final Tensor variable;

    AccumulateGrad(Tensor variable) {
        super("AccumulateGrad", null);
        this.variable = variable;
    }

    @Override
    Tensor[] apply(Tensor[] gradOutputs) {
        AutogradAccess.accumulateGrad(variable, gradOutputs[0]);
        return new Tensor[0];
    }

    @Override
    void release() {
        // A leaf's sink holds nothing to free and may be reached by any number of backward passes.
    }

    @Override
    void releaseSaved() {
    }

    @Override
    int[] outputShape(int i) {
        return variable.shape();
    }

    @Override
    DType outputType(int i) {
        return variable.dtype();
    }
}
