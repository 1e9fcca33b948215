package dev.jinn.train;

import dev.jinn.check.Require;
import dev.jinn.flow.FlowResult;
import dev.jinn.flow.Shape;
import dev.jinn.flow.dist.StandardNormal;
import dev.jinn.tensor.Tensor;

/**
 * The negative log-likelihood of samples under a flow with a standard normal base density: for
 * {@code z = f(x)} with {@code D} elements per sample,
 *
 * <pre>
 * −log p(x) = ½ ‖z‖² + (D/2) · log(2π) − log|det ∂f/∂x|
 * </pre>
 *
 * in nats per sample (the constant is included, so values compare across models and with other libraries).
 * Bits per dimension are {@code nats / (D · ln 2)}. The density term is {@link StandardNormal}'s, the one
 * implementation of the Gaussian log-density in jinn.
 */
public final class Nll {
    private Nll() {
    }

    /**
     * The per-sample NLL of a flow's forward result.
     *
     * @param r the result of {@code flow.forward(x)}: one output {@code [B, ...]} and the log-det {@code [B]}
     * @return the NLL of each sample in nats, shape {@code [B]} (differentiable)
     */
    public static Tensor perSample(FlowResult r) {
        Tensor z = r.output();
        return new StandardNormal(Shape.ofSample(z)).logProb(z).neg().sub(r.logDet());
    }

    /**
     * Converts a per-sample NLL in nats to bits per dimension.
     *
     * @param nats the NLL of one sample in nats
     * @param dims the number of elements of a sample
     * @return {@code nats / (dims · ln 2)}
     */
    public static double bitsPerDim(double nats, int dims) {
        Require.atLeast(1, dims, "Nll.bitsPerDim: dims");
        return nats / (dims * Math.log(2));
    }
}
