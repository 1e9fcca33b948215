package dev.jinn.flow.reshape;

import dev.jinn.check.Require;
import dev.jinn.flow.FlowResult;
import dev.jinn.flow.InvertibleModule;
import dev.jinn.flow.Shape;
import dev.jinn.flow.SingleInput;
import dev.jinn.flow.UnconditionalSpec;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.util.List;

/**
 * Reshapes each sample to a given shape with the same number of elements, FrEIA's {@code Reshape(output_dims)}.
 *
 * <p>Formula: {@code y = reshape(x, (B, outputDims…))} in row-major order; reverse reshapes back to the input
 * shape. Log-det: 0. A reshape such as {@code (3, 32, 32) → (12, 16, 16)} is not spatially meaningful; see
 * {@link IRevNetDownsampling} and {@link HaarDownsampling} for that. Element counts that differ are an error.
 */
public class Reshape extends InvertibleModule {
    private final Shape inputShape;
    private final Shape outputShape;

    /**
     * A reshape module.
     *
     * @param dimsIn     one input shape
     * @param outputDims the per-sample output shape, with as many elements as the input
     */
    public Reshape(List<Shape> dimsIn, Shape outputDims) {
        super(dimsIn, List.of());
        this.inputShape = SingleInput.of(getClass().getSimpleName(), dimsIn);
        this.outputShape = checkedTarget(getClass().getSimpleName(), inputShape, outputDims);
    }

    /**
     * The spec for a given output shape.
     *
     * @param outputDims the per-sample output shape (batch axis excluded)
     * @return a spec for {@code SequenceINN.append} or a graph node
     */
    public static UnconditionalSpec to(int... outputDims) {
        Shape target = Shape.of(outputDims);
        return in -> new Reshape(in, target);
    }

    /** Reshapes to the output shape (forward) or back to the input shape (reverse). */
    @Override
    public FlowResult forward(List<Tensor> x, List<Tensor> c, boolean reverse, boolean computeLogDet) {
        Tensor in = x.get(0);
        int batch = in.size(0);
        Tensor out = in.reshape((reverse ? inputShape : outputShape).withBatch(batch));
        return FlowResult.of(out, Tensors.zeros(in.dtype(), batch));
    }

    /** The output shape, after checking that the element counts match. */
    @Override
    public List<Shape> outputDims(List<Shape> inputDims) {
        String who = getClass().getSimpleName();
        return List.of(checkedTarget(who, SingleInput.of(who, inputDims), outputShape));
    }

    private static Shape checkedTarget(String who, Shape in, Shape target) {
        Require.nonNull(target, who + ": the output shape");
        if (in.numel() != target.numel()) {
            throw new IllegalArgumentException(who + ": input " + in + " has " + in.numel() + " elements but the output"
                    + " shape " + target + " has " + target.numel() + "; they must match for invertibility");
        }
        return target;
    }
}
