package dev.jinn.flow.coupling;

import dev.jinn.flow.FlowResult;
import dev.jinn.flow.InvertibleModule;
import dev.jinn.flow.Shape;
import dev.jinn.flow.SingleInput;
import dev.jinn.flow.UnconditionalSpec;
import dev.jinn.nn.Init;
import dev.jinn.nn.Layer;
import dev.jinn.nn.LeakyReLU;
import dev.jinn.nn.Linear;
import dev.jinn.nn.Sequential;
import dev.jinn.tensor.DType;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.util.Arrays;
import java.util.List;

/**
 * RealNVP's masked affine coupling in iResNetLab's form, {@code RealNVP(dim, f_log_s, f_t, k, mask, clip)}: two
 * coupling steps with a binary mask {@code b} and its complement on vectors {@code (dim,)}, both served by the same
 * two networks, which see the whole masked vector. (FrEIA's {@link RNVPCouplingBlock} splits the vector into two
 * halves instead and has four networks.)
 *
 * <p>One step with mask {@code b}: {@code log s = clip·tanh(f_log_s(b⊙x)/clip)},
 * {@code y = b⊙x + (1−b)⊙(x⊙exp(log s) + f_t(b⊙x))}, log-det {@code Σ(1−b)⊙log s}. The module applies the step
 * with {@code b}, then with {@code 1 − b}; the reverse undoes them in reverse order,
 * {@code x = b⊙y + (1−b)⊙(y − f_t(b⊙y))⊙exp(−log s)}, with the negative log-det.
 *
 * <p>Defaults: {@code f_log_s} and {@code f_t} are {@code Linear(d→kd) → LeakyReLU → Linear(kd→kd) → LeakyReLU →
 * Linear(kd→d)} with {@code k = 4} (children {@code f_log_s}, {@code f_t}); the mask is the chessboard
 * {@code b_i = 1} for even {@code i} (buffer {@code mask}); {@code clip = 1}.
 */
public final class MaskedAffineCoupling extends InvertibleModule {
    private final int dim;
    private final double clip;
    private final Layer fLogS;
    private final Layer fT;

    /**
     * A module with every option of iResNetLab's {@code RealNVP}; null selects the default.
     *
     * @param dimsIn one input shape {@code (dim,)}
     * @param fLogS  the network for {@code log s}, {@code [B, dim] → [B, dim]} (it becomes the child
     *               {@code f_log_s}), or null for a generated one
     * @param fT     the network for {@code t} (child {@code f_t}), or null for a generated one
     * @param k      the width factor of generated networks, at least 1
     * @param mask   {@code [dim]} zeros and ones, or null for the chessboard
     * @param clip   the bound of {@code |log s|}, positive
     * @param rng    the generator of the generated networks' weights, or null for {@link Init#defaultRng()}
     */
    public MaskedAffineCoupling(List<Shape> dimsIn, Layer fLogS, Layer fT, int k, Tensor mask, double clip, Rng rng) {
        super(dimsIn, List.of());
        this.dim = SingleInput.ofRank("MaskedAffineCoupling", dimsIn, 1, "(dim,)").dim(0);
        if (k < 1 || !(clip > 0)) {
            throw new IllegalArgumentException("MaskedAffineCoupling: need k >= 1 and clip > 0, got k=" + k + ", clip="
                    + clip);
        }
        this.clip = clip;
        Rng r = rng != null ? rng : Init.defaultRng();
        this.fLogS = registerModule("f_log_s", fLogS != null ? fLogS : defaultNet(dim, k, r));
        this.fT = registerModule("f_t", fT != null ? fT : defaultNet(dim, k, r));
        registerBuffer("mask", mask != null ? checkMask(mask, dim) : chessboard(dim), true);
    }

    /**
     * The spec of modules with generated networks and the chessboard mask.
     *
     * @param k    the width factor of the networks (iResNetLab's default: 4)
     * @param clip the bound of {@code |log s|} (iResNetLab's default: 1)
     * @param rng  the generator of the networks' weights, or null for {@link Init#defaultRng()}
     * @return a spec for {@code SequenceINN.append} or a graph node
     */
    public static UnconditionalSpec spec(int k, double clip, Rng rng) {
        return in -> new MaskedAffineCoupling(in, null, null, k, null, clip, rng);
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
        return Tensors.of(b, dim);
    }

    private static Tensor checkMask(Tensor mask, int dim) {
        if (mask.dim() != 1 || mask.size(0) != dim) {
            throw new IllegalArgumentException("MaskedAffineCoupling: the mask must have shape [" + dim + "], got "
                    + Arrays.toString(mask.shape()));
        }
        for (double v : mask.toDoubleArray()) {
            if (v != 0 && v != 1) {
                throw new IllegalArgumentException("MaskedAffineCoupling: the mask must hold zeros and ones, got " + v);
            }
        }
        return mask.detach().to(DType.FLOAT32);
    }

    /**
     * The mask {@code b} of the first step.
     *
     * @return {@code [dim]}
     */
    public Tensor mask() {
        return buffer("mask");
    }

    private Tensor logS(Tensor masked) {
        return fLogS.forward(masked).div(clip).tanh().mul(clip);
    }

    @Override
    public FlowResult forward(List<Tensor> x, List<Tensor> c, boolean reverse, boolean computeLogDet) {
        Tensor b = mask();
        Tensor notB = b.neg().add(1.0);
        Tensor h = x.get(0);
        Tensor logDet = null;
        for (Tensor m : reverse ? new Tensor[] {notB, b} : new Tensor[] {b, notB}) {
            Tensor keep = h.mul(m);
            Tensor free = m.neg().add(1.0);
            Tensor s = logS(keep);
            Tensor t = fT.forward(keep);
            h = keep.add(free.mul(reverse ? h.sub(t).mul(s.neg().exp()) : h.mul(s.exp()).add(t)));
            Tensor step = free.mul(s).sum(-1);
            logDet = logDet == null ? step : logDet.add(step);
        }
        return FlowResult.of(h, reverse ? logDet.neg() : logDet);
    }

    @Override
    public List<Shape> outputDims(List<Shape> inputDims) {
        return List.of(SingleInput.of(describe(), inputDims));
    }
}
