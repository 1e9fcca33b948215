package dev.jinn.flow.testing;

import dev.jinn.flow.FlowResult;
import dev.jinn.flow.InvertibleModule;
import dev.jinn.flow.Shape;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.util.List;

/**
 * A minimal test module: {@code y = x·e^{s} + t} elementwise with learned {@code s}, {@code t} of the sample
 * shape, plus (when conditioned) the condition's per-sample mean added to the shift. Its log-det is
 * {@code Σ s}; {@code wrongSign} negates the reverse log-det so the harness can be shown to catch it.
 */
public final class ScaleShift extends InvertibleModule {
    private final boolean wrongSign;

    /**
     * A module for the given shapes.
     *
     * @param dimsIn    one input shape
     * @param dimsC     zero or one condition shape
     * @param wrongSign whether to return the wrong reverse log-det
     */
    public ScaleShift(List<Shape> dimsIn, List<Shape> dimsC, boolean wrongSign) {
        super(dimsIn, dimsC);
        this.wrongSign = wrongSign;
        registerParameter("s", Tensors.zeros(dimsIn.get(0).dims()));
        registerParameter("t", Tensors.zeros(dimsIn.get(0).dims()));
    }

    @Override
    public FlowResult forward(List<Tensor> x, List<Tensor> c, boolean reverse, boolean computeLogDet) {
        Tensor s = parameter("s");
        Tensor t = parameter("t");
        Tensor v = x.get(0);
        if (!c.isEmpty()) {
            Tensor cm = c.get(0).reshape(v.size(0), -1).mean(1);
            int[] shape = new int[v.dim()];
            java.util.Arrays.fill(shape, 1);
            shape[0] = v.size(0);
            t = t.add(cm.reshape(shape));
        }
        Tensor ld = s.sum().expand(v.size(0));
        if (!reverse) {
            return FlowResult.of(v.mul(s.exp()).add(t), ld);
        }
        return FlowResult.of(v.sub(t).mul(s.neg().exp()), wrongSign ? ld : ld.neg());
    }

    @Override
    public List<Shape> outputDims(List<Shape> inputDims) {
        return inputDims;
    }
}
