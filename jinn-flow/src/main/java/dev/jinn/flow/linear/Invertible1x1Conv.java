package dev.jinn.flow.linear;

import dev.jinn.flow.FlowResult;
import dev.jinn.flow.InvertibleModule;
import dev.jinn.flow.Shape;
import dev.jinn.flow.SingleInput;
import dev.jinn.flow.UnconditionalSpec;
import dev.jinn.nn.Init;
import dev.jinn.tensor.DType;
import dev.jinn.tensor.LU;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.util.List;

/**
 * Glow's invertible 1×1 convolution (Kingma &amp; Dhariwal 2018) with the LU parameterisation: a learned
 * {@code C×C} matrix {@code W = P·L·(U + diag(sign·exp(log_s)))} mixes the channels at every position,
 * {@code y[:, :, p] = W·x[:, :, p]}, on samples {@code (C,)}, {@code (C, L)} or {@code (C, H, W)}. The learned
 * counterpart of {@link Fixed1x1Conv}.
 *
 * <p>{@code P} (buffer {@code p}) is a fixed permutation, {@code L} unit lower triangular (parameter
 * {@code lower}, strict lower part used), {@code U} strictly upper triangular (parameter {@code upper}, strict
 * upper part used), {@code sign} (buffer {@code sign_s}) fixed, {@code log_s} learned. Log-det:
 * {@code P_s·Σ log_s} forward (P_s the number of positions, {@code H·W} for images, 1 for vectors) at O(C) cost,
 * its negative in reverse, which applies {@code W⁻¹}. Initialisation as in Glow: a random rotation (QR of a
 * Gaussian matrix) factored by LU with partial pivoting.
 */
public final class Invertible1x1Conv extends InvertibleModule {
    private final int channels;
    private final int positions;

    /**
     * A 1×1 convolution initialised from {@code rng}.
     *
     * @param dimsIn one input shape {@code (C,)}, {@code (C, L)} or {@code (C, H, W)}
     * @param rng    the generator of the initial rotation, or null for {@link Init#defaultRng()}
     */
    public Invertible1x1Conv(List<Shape> dimsIn, Rng rng) {
        super(dimsIn, List.of());
        Shape in = SingleInput.of("Invertible1x1Conv", dimsIn);
        if (in.rank() > 3) {
            throw new IllegalArgumentException("Invertible1x1Conv expects an input of shape (C,), (C, L) or (C, H, W), "
                    + "got " + in);
        }
        this.channels = in.channels();
        this.positions = in.spatialNumel();
        Rng r = rng != null ? rng : Init.defaultRng();
        Tensor q = Tensors.randn(r, DType.FLOAT64, channels, channels).qr().q();
        LU lu = q.lu();
        Tensor u = lu.u();
        Tensor s = u.diag();
        registerBuffer("p", pivotMatrix(lu, channels), true);
        registerBuffer("sign_s", s.sign().to(DType.FLOAT32), true);
        registerParameter("lower", lu.l().tril(-1).to(DType.FLOAT32));
        registerParameter("upper", u.triu(1).to(DType.FLOAT32));
        registerParameter("log_s", s.abs().log().to(DType.FLOAT32));
    }

    /**
     * The spec: each module it builds draws its own rotation from {@code rng}.
     *
     * @param rng the generator, or null for {@link Init#defaultRng()}
     * @return a spec for {@code SequenceINN.append} or a graph node
     */
    public static UnconditionalSpec spec(Rng rng) {
        return in -> new Invertible1x1Conv(in, rng);
    }

    /**
     * {@code Πᵀ} for the row swaps that {@code lu} recorded: {@code Π·Q = L·U}, so {@code Q = Πᵀ·L·U}.
     */
    private static Tensor pivotMatrix(LU lu, int channels) {
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
        return Tensors.of(pT, channels, channels);
    }

    /**
     * The matrix {@code W = P·L·(U + diag(sign·exp(log_s)))} (differentiable in the parameters).
     *
     * @return {@code [C, C]}
     */
    public Tensor weight() {
        Tensor lower = parameter("lower");
        DType dtype = lower.dtype();
        Tensor l = lower.tril(-1).add(Tensors.eye(dtype, channels));
        Tensor u = parameter("upper").triu(1).add(buffer("sign_s").mul(parameter("log_s").exp()).diag());
        return buffer("p").matmul(l).matmul(u);
    }

    @Override
    public FlowResult forward(List<Tensor> x, List<Tensor> c, boolean reverse, boolean computeLogDet) {
        Tensor w = weight();
        Tensor logDet = parameter("log_s").sum().mul(positions);
        return reverse ? FlowResult.of(mix(w.inverse(), x.get(0)), logDet.neg()) : FlowResult.of(mix(w, x.get(0)),
                logDet);
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

    @Override
    public List<Shape> outputDims(List<Shape> inputDims) {
        return List.of(SingleInput.of(describe(), inputDims));
    }
}
