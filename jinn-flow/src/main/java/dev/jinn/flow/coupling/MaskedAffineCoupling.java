package dev.jinn.flow.residual;

import dev.jinn.nn.Init;
import dev.jinn.nn.Layer;
import dev.jinn.nn.LeakyReLU;
import dev.jinn.nn.Linear;
import dev.jinn.nn.Sequential;
import dev.jinn.tensor.DType;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import java.util.Arrays;

/**
 * iResNetLab's {@code RealNVP(dim, f_log_s, f_t, k, mask, clip)}: two affine coupling steps with a binary mask
 * {@code b} and its complement, on inputs {@code (*, dim)}.
 *
 * <p>One step with mask {@code b}: {@code log s = clip·tanh(f_log_s(b⊙x)/clip)},
 * {@code y = b⊙x + (1−b)⊙(x⊙exp(log s) + f_t(b⊙x))}, log-det {@code Σ(1−b)⊙log s}. The block applies the step
 * with {@code b}, then with {@code 1 − b} (the same two networks serve both steps); its inverse undoes them in
 * reverse order, {@code x = b⊙y + (1−b)⊙(y − f_t(b⊙y))⊙exp(−log s)}. {@code logP} is passed through.
 *
 * <p>Defaults: {@code f_log_s} and {@code f_t} are {@code Linear(d→kd) → LeakyReLU → Linear(kd→kd) → LeakyReLU →
 * Linear(kd→d)} (children {@code f_log_s}, {@code f_t}); the mask is the chessboard {@code b_i = 1} for even
 * {@code i} (buffer {@code mask}); {@code clip = 1}.
 */
public final class RealNVP extends IResNetModule {
    private final int dim;
    private final double clip;
    private final Layer fLogS;
    private final Layer fT;

    /**
     * A block with every option; null selects the default.
     *
     * @param dim   the size of the last axis
     * @param fLogS the network for {@code log s}, {@code (*, dim) → (*, dim)}, or null
     * @param fT    the network for {@code t}, or null
     * @param k     the width factor of the default networks, at least 1
     * @param mask  a {@code [dim]} tensor of zeros and ones, or null for the chessboard
     * @param clip  the bound of {@code |log s|}, positive
     * @param rng   the generator of the default networks' weights, or null for {@link Init#defaultRng()}
     */
    public RealNVP(int dim, Layer fLogS, Layer fT, int k, Tensor mask, double clip, Rng rng) {
        if (dim < 1 || k < 1 || !(clip > 0)) {
            throw new IllegalArgumentException("IResNet.realNVP: need dim >= 1, k >= 1 and clip > 0, got dim=" + dim
                    + ", k=" + k + ", clip=" + clip);
        }
        this.dim = dim;
        this.clip = clip;
        Rng r = rng != null ? rng : Init.defaultRng();
        this.fLogS = registerModule("f_log_s", fLogS != null ? fLogS : defaultNet(dim, k, r));
        this.fT = registerModule("f_t", fT != null ? fT : defaultNet(dim, k, r));
        registerBuffer("mask", mask != null ? checkMask(mask, dim) : chessboard(dim), true);
    }

    private static Layer defaultNet(int dim, int k, Rng rng) {
        return new Sequential(new Linear(dim, k * dim, true, rng), new LeakyReLU(),
                new Linear(k * dim, k * dim, true, rng), new LeakyReLU(), new Linear(k * dim, dim, true, rng));
    }

    private static Tensor chessboard(int dim) {
        float[] b = new float[dim];
        for (int i = 0; i < dim; i += 2) {
            b[i] = 1;
        }
        return Tensor.of(b, dim);
    }

    private static Tensor checkMask(Tensor mask, int dim) {
        if (mask.dim() != 1 || mask.size(0) != dim) {
            throw new IllegalArgumentException("IResNet.realNVP: the mask must have shape [" + dim + "], got "
                    + Arrays.toString(mask.shape()));
        }
        for (double v : mask.toDoubleArray()) {
            if (v != 0 && v != 1) {
                throw new IllegalArgumentException("IResNet.realNVP: the mask must hold zeros and ones, got " + v);
            }
        }
        return mask.detach().to(DType.FLOAT32);
    }

    @Override
    public String describe() {
        return "RealNVP(" + dim + ")";
    }

    /**
     * The mask {@code b} of the first step.
     *
     * @return {@code [dim]}
     */
    public Tensor mask() {
        return buffer("mask");
    }

    private void check(Tensor x, String what) {
        if (x.dim() < 1 || x.size(-1) != dim) {
            throw new IllegalArgumentException(describe() + ": expected an " + what + " of shape (*, " + dim + "), got "
                    + Arrays.toString(x.shape()));
        }
    }

    private Tensor logS(Tensor masked) {
        return fLogS.forward(masked).div(clip).tanh().mul(clip);
    }

    @Override
    public IResNetResult forward(Tensor x, Tensor logP0, Tensor logDet0) {
        check(x, "input");
        Tensor logP = accumulated(logP0, x, 1, "logP0");
        Tensor ld = accumulated(logDet0, x, 1, "logDet0");
        Tensor b = mask();
        Tensor y = x;
        for (Tensor m : new Tensor[] {b, b.neg().add(1.0)}) {
            Tensor keep = y.mul(m);
            Tensor free = m.neg().add(1.0);
            Tensor s = logS(keep);
            y = keep.add(free.mul(y.mul(s.exp()).add(fT.forward(keep))));
            ld = ld.add(free.mul(s).sum(-1));
        }
        return new IResNetResult(y, logP, ld);
    }

    @Override
    public Tensor inverse(Tensor y) {
        check(y, "output");
        Tensor b = mask();
        Tensor x = y;
        for (Tensor m : new Tensor[] {b.neg().add(1.0), b}) {
            Tensor keep = x.mul(m);
            Tensor free = m.neg().add(1.0);
            x = keep.add(free.mul(x.sub(fT.forward(keep)).mul(logS(keep).neg().exp())));
        }
        return x;
    }
}
