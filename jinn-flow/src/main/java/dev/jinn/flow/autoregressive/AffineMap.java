package dev.jinn.flow.autoregressive;

import dev.jinn.flow.FlowResult;
import dev.jinn.flow.coupling.ClampActivation;
import dev.jinn.tensor.Tensor;

/**
 * {@code u = v·e^s + t} per dimension, with the log-scale softly clamped as in the coupling blocks,
 * {@code s = clamp·f(raw_s)}; log-det {@code Σ_d s_d} (negated for the inverse {@code v = (u − t)·e^{−s}}).
 * Parameters per dimension: {@code raw_s, t}.
 */
final class AffineMap implements ElementwiseMap {
    private final double clamp;
    private final ClampActivation activation;

    AffineMap(double clamp, ClampActivation activation) {
        this.clamp = clamp;
        this.activation = activation;
    }

    @Override
    public int parametersPerValue() {
        return 2;
    }

    @Override
    public FlowResult apply(Tensor x, Tensor raw, boolean reverse) {
        int b = x.size(0);
        int d = x.size(1);
        Tensor r = raw.reshape(b, d, 2);
        Tensor s = activation.apply(r.narrow(2, 0, 1).reshape(b, d)).mul(clamp);
        Tensor t = r.narrow(2, 1, 1).reshape(b, d);
        Tensor logDet = s.sum(1);
        return reverse ? FlowResult.of(x.sub(t).mul(s.neg().exp()), logDet.neg())
                : FlowResult.of(x.mul(s.exp()).add(t), logDet);
    }

    @Override
    public String describe() {
        return "affine, clamp " + clamp + " " + activation;
    }
}
