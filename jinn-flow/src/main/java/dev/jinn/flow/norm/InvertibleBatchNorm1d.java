package dev.jinn.flow.norm;

import dev.jinn.autograd.Grad;
import dev.jinn.flow.FlowResult;
import dev.jinn.flow.InvertibleModule;
import dev.jinn.flow.Shape;
import dev.jinn.flow.SingleInput;
import dev.jinn.flow.Stateful;
import dev.jinn.tensor.DType;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.TensorScope;
import dev.jinn.tensor.Tensors;
import java.util.List;

/**
 * iResNetLab's invertible {@code BatchNorm1d(dim)} on samples {@code (C,)} or {@code (C, L)}: per channel,
 * {@code y = (x − μ)/√(σ² + ε)·γ + β} with learned {@code γ} ({@code weight}, initially 1) and {@code β}
 * ({@code bias}, initially 0), {@code ε = 1e-5}. Unlike {@link ActNorm}, whose statistics are fixed after the
 * first batch, it normalises every training batch by its own statistics.
 *
 * <p>In training mode {@code μ, σ²} are the batch's (biased variance) and the running statistics
 * ({@code running_mean}, {@code running_var}, unbiased variance, momentum 0.1, PyTorch's rule) are updated by each
 * forward call; in eval mode the running statistics are used. Log-det per sample:
 * {@code L·Σ_c (log|γ_c| − ½ log(σ_c² + ε))} ({@code L = 1} for vectors) forward, its negative in reverse, the
 * statistics counted as constants as flows with batch normalisation do (so in training mode the samples of a
 * batch interact and the log-det is not that of the whole batch's Jacobian). The reverse uses the statistics of
 * the latest training-mode forward call in training mode (so that it inverts that call exactly) and the running
 * statistics in eval mode.
 */
public final class InvertibleBatchNorm1d extends InvertibleModule implements Stateful {
    private static final double EPS = 1e-5;
    private static final double MOMENTUM = 0.1;

    private final int length;
    private Tensor lastMean;
    private Tensor lastVar;

    /**
     * A batch normalisation of the channels of its input.
     *
     * @param dimsIn one input shape {@code (C,)} or {@code (C, L)}
     */
    public InvertibleBatchNorm1d(List<Shape> dimsIn) {
        super(dimsIn, List.of());
        Shape in = SingleInput.of("InvertibleBatchNorm1d", dimsIn);
        if (in.rank() > 2) {
            throw new IllegalArgumentException("InvertibleBatchNorm1d expects an input of shape (C,) or (C, L), got "
                    + in);
        }
        int features = in.channels();
        this.length = in.spatialNumel();
        registerParameter("weight", Tensors.ones(DType.FLOAT32, features));
        registerParameter("bias", Tensors.zeros(DType.FLOAT32, features));
        registerBuffer("running_mean", Tensors.zeros(DType.FLOAT32, features), true);
        registerBuffer("running_var", Tensors.ones(DType.FLOAT32, features), true);
    }

    @Override
    public FlowResult forward(List<Tensor> x, List<Tensor> c, boolean reverse, boolean computeLogDet) {
        Tensor in = x.get(0);
        Tensor mean;
        Tensor var;
        if (reverse) {
            boolean useLast = isTraining() && lastMean != null;
            mean = useLast ? lastMean : buffer("running_mean");
            var = useLast ? lastVar : buffer("running_var");
        } else if (isTraining()) {
            mean = in.mean(axes(in), false);
            var = in.var(axes(in), false, false);
            updateRunningStatistics(mean, var, in.numel() / mean.numel());
        } else {
            mean = buffer("running_mean");
            var = buffer("running_var");
        }
        Tensor gamma = parameter("weight");
        Tensor beta = parameter("bias");
        Tensor scale = var.add(EPS).rsqrt().mul(gamma);
        Tensor logDet = gamma.abs().log().sub(var.add(EPS).log().mul(0.5)).sum().mul(length);
        if (reverse) {
            Tensor back = in.sub(column(beta, in)).div(column(scale, in)).add(column(mean, in));
            return FlowResult.of(back, logDet.neg());
        }
        return FlowResult.of(in.sub(column(mean, in)).mul(column(scale, in)).add(column(beta, in)), logDet);
    }

    private static int[] axes(Tensor x) {
        return x.dim() == 2 ? new int[] {0} : new int[] {0, 2};
    }

    /** PyTorch's rule: the running variance takes the unbiased batch variance; no gradients flow into either. */
    private void updateRunningStatistics(Tensor mean, Tensor var, int n) {
        try (var g = Grad.disabled()) {
            Tensor unbiased = var.detach().mul(n / (double) Math.max(n - 1, 1));
            setBuffer("running_mean", buffer("running_mean").mul(1 - MOMENTUM).add(mean.detach().mul(MOMENTUM)));
            setBuffer("running_var", buffer("running_var").mul(1 - MOMENTUM).add(unbiased.mul(MOMENTUM)));
        }
        // Kept for the reverse pass of a later call, outside the storage-reuse scope of this one.
        lastMean = TensorScope.persist(mean.detach());
        lastVar = TensorScope.persist(var.detach());
    }

    /** Shapes a per-channel vector to broadcast over {@code [B, C]} or {@code [B, C, L]}. */
    private static Tensor column(Tensor perChannel, Tensor like) {
        return like.dim() == 2 ? perChannel : perChannel.reshape(perChannel.size(0), 1);
    }

    @Override
    public List<Shape> outputDims(List<Shape> inputDims) {
        return List.of(SingleInput.of(describe(), inputDims));
    }

    /**
     * Why memory-saving backprop cannot re-run this layer in training: it normalises with the batch's own
     * statistics and updates its running averages on every call.
     *
     * @return the reason in training mode, null in eval mode
     */
    @Override
    public String recomputationHazard() {
        return isTraining() ? "in training mode it normalises with batch statistics and updates its running "
                + "averages, which a second forward pass would do again" : null;
    }
}
