package dev.jinn.flow.residual;

import dev.jinn.nn.Init;
import dev.jinn.tensor.DType;
import dev.jinn.tensor.LU;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import java.util.Arrays;

/**
 * Glow's invertible 1×1 convolution (Kingma &amp; Dhariwal 2018) with the LU parameterisation: a learned
 * {@code C×C} matrix {@code W = P·L·(U + diag(sign·exp(log_s)))} mixes the channels at every position,
 * {@code y[:, :, p] = W·x[:, :, p]}, on inputs {@code [B, C]}, {@code [B, C, L]} or {@code [B, C, H, W]}.
 *
 * <p>{@code P} (buffer {@code p}) is a fixed permutation, {@code L} unit lower triangular (parameter
 * {@code lower}, strict lower part used), {@code U} strictly upper triangular (parameter {@code upper}, strict
 * upper part used), {@code sign} (buffer {@code sign_s}) fixed, {@code log_s} learned. The log-det is
 * {@code (spatial size)·Σ log_s}, i.e. {@code H·W·Σ log|s|} for images, at O(C) cost. Initialisation as in Glow:
 * a random rotation (QR of a Gaussian matrix) factored by LU with partial pivoting. The inverse applies
 * {@code W⁻¹}; {@code logP} is passed through.
 */
public final class Invertible1x1Conv extends IResNetModule {
    private final int channels;

    /**
     * A 1×1 convolution over {@code channels} channels, initialised from {@code rng}.
     *
     * @param channels the channel count C
     * @param rng      the generator of the initial rotation, or null for {@link Init#defaultRng()}
     */
    public Invertible1x1Conv(int channels, Rng rng) {
        if (channels < 1) {
            throw new IllegalArgumentException("IResNet.invertible1x1Conv: the channel count must be positive, got "
                    + channels);
        }
        this.channels = channels;
        Rng r = rng != null ? rng : Init.defaultRng();
        Tensor q = Tensor.randn(r, DType.FLOAT64, channels, channels).qr().q();
        LU lu = q.lu();
        // lu: Π·Q = L·U, where Π applies the recorded row swaps in order; so Q = Πᵀ·L·U.
        int[] perm = new int[channels];
        for (int i = 0; i < channels; i++) {
            perm[i] = i;
        }
        long[] pivots = lu.pivots().toLongArray();
        for (int i = 0; i < channels; i++) {
            int j = (int) pivots[i];
            int t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        float[] pT = new float[channels * channels];
        for (int i = 0; i < channels; i++) {
            pT[perm[i] * channels + i] = 1; // (Πᵀ)[perm[i]][i] = Π[i][perm[i]] = 1
        }
        Tensor u = lu.u();
        Tensor s = u.diag();
        registerBuffer("p", Tensor.of(pT, channels, channels), true);
        registerBuffer("sign_s", s.sign().to(DType.FLOAT32), true);
        registerParameter("lower", lu.l().tril(-1).to(DType.FLOAT32));
        registerParameter("upper", u.triu(1).to(DType.FLOAT32));
        registerParameter("log_s", s.abs().log().to(DType.FLOAT32));
    }

    @Override
    public String describe() {
        return "Invertible1x1Conv(" + channels + ")";
    }

    /**
     * The matrix {@code W = P·L·(U + diag(sign·exp(log_s)))} (differentiable in the parameters).
     *
     * @return {@code [C, C]}
     */
    public Tensor weight() {
        Tensor lower = parameter("lower");
        DType dtype = lower.dtype();
        Tensor l = lower.tril(-1).add(Tensor.eye(dtype, channels));
        Tensor u = parameter("upper").triu(1).add(buffer("sign_s").mul(parameter("log_s").exp()).diag());
        return buffer("p").matmul(l).matmul(u);
    }

    @Override
    public IResNetResult forward(Tensor x, Tensor logP0, Tensor logDet0) {
        check(x, "input");
        int rank = x.dim() - 1;
        Tensor logP = accumulated(logP0, x, rank, "logP0");
        Tensor ld = accumulated(logDet0, x, rank, "logDet0");
        int spatial = 1;
        for (int d = 2; d < x.dim(); d++) {
            spatial *= x.size(d);
        }
        Tensor logDet = parameter("log_s").sum().mul(spatial);
        return new IResNetResult(mix(weight(), x), logP, ld.add(logDet));
    }

    @Override
    public Tensor inverse(Tensor y) {
        check(y, "output");
        return mix(weight().inverse(), y);
    }

    /** Applies a channel-mixing matrix at every position. */
    private static Tensor mix(Tensor w, Tensor x) {
        if (x.dim() == 2) {
            return x.matmul(w.t());
        }
        int[] shape = x.shape();
        Tensor flat = x.reshape(shape[0], shape[1], -1);
        return w.matmul(flat).reshape(shape);
    }

    private void check(Tensor x, String what) {
        if (x.dim() < 2 || x.dim() > 4 || x.size(1) != channels) {
            throw new IllegalArgumentException(describe() + ": expected an " + what + " of shape [B, " + channels
                    + "], [B, " + channels + ", L] or [B, " + channels + ", H, W], got " + Arrays.toString(x.shape()));
        }
    }
}
