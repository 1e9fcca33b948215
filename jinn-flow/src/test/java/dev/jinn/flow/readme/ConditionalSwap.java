package dev.jinn.flow.readme;

import dev.jinn.flow.FlowResult;
import dev.jinn.flow.InvertibleModule;
import dev.jinn.flow.Shape;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.util.List;

/**
 * FrEIA README's second custom module: two inputs, swapped for the samples whose condition is not positive.
 * It is its own inverse and preserves volume (log-det 0). Output shapes are the input shapes swapped, as in
 * the README (both are equal in its example).
 */
public final class ConditionalSwap extends InvertibleModule {
    /**
     * A swap for two inputs under one scalar condition.
     *
     * @param dimsIn two shapes
     * @param dimsC  one shape {@code (1,)}
     */
    public ConditionalSwap(List<Shape> dimsIn, List<Shape> dimsC) {
        super(dimsIn, dimsC);
    }

    @Override
    public FlowResult forward(List<Tensor> x, List<Tensor> c, boolean reverse, boolean computeLogDet) {
        Tensor keep = c.get(0).gt(0);  // [B, 1], broadcasts over the features
        Tensor x1 = x.get(0);
        Tensor x2 = x.get(1);
        return new FlowResult(List.of(Tensor.where(keep, x1, x2), Tensor.where(keep, x2, x1)),
                Tensors.scalar(0.0, x1.dtype()));
    }

    @Override
    public List<Shape> outputDims(List<Shape> inputDims) {
        return List.of(inputDims.get(1), inputDims.get(0));
    }
}
