package dev.jinn.flow.residual;

import dev.jinn.tensor.DType;
import dev.jinn.tensor.Grad;
import dev.jinn.tensor.Tensor;
import java.util.Arrays;

/**
 * iResNetLab's invertible {@code BatchNorm1d(dim)} on {@code [B, C]} or {@code [B, C, L]}: per channel,
 * {@code y = (x − μ)/√(σ² + ε)·γ + β} with learned {@code γ} ({@code weight}, initially 1) and {@code β}
 * ({@code bias}, initially 0), {@code ε = 1e-5}.
 *
 * <p>In training mode {@code μ, σ²} are the batch's (biased variance) and the running statistics
 * ({@code running_mean}, {@code running_var}, unbiased variance, momentum 0.1, PyTorch's rule) are updated; in
 * eval mode the running statistics are used. Log-det per sample: {@code L·Σ_c (log|γ_c| − ½ log(σ_c² + ε))}
 * ({@code L = 1} for vectors), the statistics counted as constants as flows with batch normalisation do. The
 * inverse uses the statistics of the latest training-mode forward call in training mode (so that it inverts that
 * call exactly) and the running statistics in eval mode.
 */
public final class InvertibleBatchNorm1d extends IResNetModule {
    private static final double EPS = 1e-5;
    private static final double MOMENTUM = 0.1;

    private final int features;
    private Tensor lastMean;
    private Tensor lastVar;

    /**
     * A batch normalisation over {@code features} channels.
     *
     * @param features the channel count C
     */
    public InvertibleBatchNorm1d(int features) {
        if (features < 1) {
            throw new IllegalArgumentException("IResNet.batchNorm1d: the size must be positive, got " + features);
        }
        this.features = features;
        registerParameter("weight", Tensor.ones(DType.FLOAT32, features));
        registerParameter("bias", Tensor.zeros(DType.FLOAT32, features));
        registerBuffer("running_mean", Tensor.zeros(DType.FLOAT32, features), true);
        registerBuffer("running_var", Tensor.ones(DType.FLOAT32, features), true);
    }

    @Override
    public String describe() {
        return "InvertibleBatchNorm1d(" + features + ")";
    }

    @Override
    public IResNetResult forward(Tensor x, Tensor logP0, Tensor logDet0) {
        int rank = check(x, "input");
        Tensor logP = accumulated(logP0, x, rank, "logP0");
        Tensor ld = accumulated(logDet0, x, rank, "logDet0");
        int[] dims = x.dim() == 2 ? new int[] {0} : new int[] {0, 2};
        Tensor mean;
        Tensor var;
        if (isTraining()) {
            mean = x.mean(dims, false);
            var = x.var(dims, false, false);
            int n = x.numel() / features;
            try (var g = Grad.disabled()) {
                Tensor unbiased = var.detach().mul(n / (double) Math.max(n - 1, 1));
                setBuffer("running_mean", buffer("running_mean").mul(1 - MOMENTUM).add(mean.detach().mul(MOMENTUM)));
                setBuffer("running_var", buffer("running_var").mul(1 - MOMENTUM).add(unbiased.mul(MOMENTUM)));
            }
            lastMean = mean.detach();
            lastVar = var.detach();
        } else {
            mean = buffer("running_mean");
            var = buffer("running_var");
        }
        Tensor gamma = parameter("weight");
        Tensor beta = parameter("bias");
        Tensor scale = var.add(EPS).rsqrt().mul(gamma);
        Tensor y = x.sub(column(mean, x)).mul(column(scale, x)).add(column(beta, x));
        int length = x.dim() == 2 ? 1 : x.size(2);
        Tensor logDet = gamma.abs().log().sub(var.add(EPS).log().mul(0.5)).sum().mul(length);
        return new IResNetResult(y, logP, ld.add(logDet));
    }

    @Override
    public Tensor inverse(Tensor y) {
        check(y, "output");
        boolean useLast = isTraining() && lastMean != null;
        Tensor mean = useLast ? lastMean : buffer("running_mean");
        Tensor var = useLast ? lastVar : buffer("running_var");
        Tensor scale = var.add(EPS).rsqrt().mul(parameter("weight"));
        return y.sub(column(parameter("bias"), y)).div(column(scale, y)).add(column(mean, y));
    }

    /** Shapes a per-channel vector to broadcast over {@code [B, C]} or {@code [B, C, L]}. */
    private static Tensor column(Tensor perChannel, Tensor like) {
        return like.dim() == 2 ? perChannel : perChannel.reshape(perChannel.size(0), 1);
    }

    private int check(Tensor x, String what) {
        if ((x.dim() != 2 && x.dim() != 3) || x.size(1) != features) {
            throw new IllegalArgumentException(describe() + ": expected an " + what + " of shape [B, " + features
                    + "] or [B, " + features + ", L], got " + Arrays.toString(x.shape()));
        }
        return x.dim() - 1;
    }
}
