package dev.jinn.flow.readme;

import dev.jinn.flow.FlowResult;
import dev.jinn.flow.InvertibleModule;
import dev.jinn.flow.Shape;
import dev.jinn.nn.Init;
import dev.jinn.tensor.DType;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.util.List;

/**
 * FrEIA README's first custom module, written the jinn way: multiplies each feature by a fixed random factor
 * in {1, 2}; log-det {@code Σ ln factor} (minus that in reverse). The factor is a buffer, so it follows
 * {@code to(dtype)} and the state dict.
 */
public final class FixedRandomElementwiseMultiply extends InvertibleModule {
    /**
     * Draws the factors from the default generator.
     *
     * @param dimsIn one vector shape
     */
    public FixedRandomElementwiseMultiply(List<Shape> dimsIn) {
        super(dimsIn, List.of());
        Tensor factor = Tensors.randint(Init.defaultRng(), 1, 3, 1, dimsIn.get(0).channels()).to(DType.FLOAT32);
        registerBuffer("random_factor", factor, true);
    }

    @Override
    public FlowResult forward(List<Tensor> x, List<Tensor> c, boolean reverse, boolean computeLogDet) {
        Tensor factor = buffer("random_factor");
        Tensor logDet = factor.log().sum();
        return reverse ? FlowResult.of(x.get(0).div(factor), logDet.neg()) : FlowResult.of(x.get(0).mul(factor), logDet);
    }

    @Override
    public List<Shape> outputDims(List<Shape> inputDims) {
        return inputDims;
    }
}
