package dev.jinn.model;

import dev.jinn.flow.ModuleSpec;
import dev.jinn.flow.SubnetConstructor;
import dev.jinn.flow.Subnets;
import dev.jinn.flow.autoregressive.AutoregressiveBuilder;
import dev.jinn.flow.autoregressive.InputOrder;
import dev.jinn.flow.autoregressive.InverseAutoregressiveFlow;
import dev.jinn.flow.autoregressive.MaskedAffineAutoregressive;
import dev.jinn.flow.autoregressive.MaskedRationalQuadraticAutoregressive;
import dev.jinn.flow.coupling.AllInOneBlock;
import dev.jinn.flow.coupling.GLOWCouplingBlock;
import dev.jinn.flow.coupling.NICECouplingBlock;
import dev.jinn.flow.coupling.RNVPCouplingBlock;
import dev.jinn.flow.linear.PermuteRandom;
import dev.jinn.flow.residual.IResNetLayer;
import dev.jinn.flow.residual.LogDetMethod;
import dev.jinn.flow.residual.Normalisation;
import dev.jinn.tensor.Rng;
import java.util.List;
import java.util.Locale;

/**
 * The flow architectures the command line builds by name: each is a chain of {@code N} blocks whose subnets are
 * {@code Linear(in, H) → ReLU → Linear(H, out)} ({@code Subnets.mlp(H)}).
 *
 * <ul>
 *   <li>{@code allinone}: FrEIA's {@code AllInOneBlock} with a soft (rotation) permutation, as its quick start;</li>
 *   <li>{@code glow}: {@code GLOWCouplingBlock} (clamp 2) then a fixed random permutation;</li>
 *   <li>{@code rnvp}: {@code RNVPCouplingBlock} (clamp 2) then a fixed random permutation;</li>
 *   <li>{@code nice}: {@code NICECouplingBlock} (additive, volume-preserving) then a fixed random permutation;</li>
 *   <li>{@code iresnet}: FrEIA's {@code IResNetLayer}s {@code y = x + g(x)} with {@code g} =
 *       {@code Linear(D, H) → ELU → Linear(H, H) → ELU → Linear(H, D)}, spectrally normalised on every call (soft
 *       normalisation, Lipschitz bound 0.8, so no correction step is needed after the optimizer); the log-det is
 *       exact (brute-force Jacobian) for up to 16 dimensions and the 20-term power series with one Hutchinson
 *       probe above, whose probes come from the blocks' own generators (a resumed run is then not bit-identical);
 *       unconditional only.</li>
 *   <li>{@code maf}, {@code iaf}, {@code nsf}: autoregressive transforms ({@code N} of them), MAF's affine one
 *       (density in one pass, sampling in D), IAF's (sampling in one pass, density in D) and the neural spline
 *       flow's rational-quadratic one ({@code --bins} bins on {@code [−3, 3]} with linear tails); each computed
 *       by a MADE with two hidden layers of width {@code H} (ReLU), the orders alternating natural and reversed
 *       (a reverse permutation between transforms, as zuko does).</li>
 * </ul>
 */
public enum Architecture {
    /** AllInOneBlocks with soft permutations. */
    ALLINONE,
    /** GLOW couplings with random permutations. */
    GLOW,
    /** Real NVP couplings with random permutations. */
    RNVP,
    /** NICE additive couplings with random permutations. */
    NICE,
    /** Invertible residual networks. */
    IRESNET,
    /** Masked autoregressive flow (affine). */
    MAF,
    /** Inverse autoregressive flow (affine). */
    IAF,
    /** Autoregressive rational-quadratic neural spline flow. */
    NSF;

    /** The soft clamp of the affine couplings' log-scales (FrEIA's default for GLOW and RNVP). */
    private static final double CLAMP = 2.0;
    /** Up to this many dimensions an i-ResNet's log-det is computed exactly (cheap and deterministic). */
    private static final int EXACT_LOG_DET_DIMS = 16;

    /**
     * The name used on the command line and in model files.
     *
     * @return e.g. {@code allinone}
     */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Looks an architecture up by name.
     *
     * @param id e.g. {@code glow} (case-insensitive)
     * @return the architecture
     * @throws IllegalArgumentException listing the known names
     */
    public static Architecture byId(String id) {
        for (Architecture a : values()) {
            if (a.id().equalsIgnoreCase(id)) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown architecture '" + id + "'; known: allinone, glow, rnvp, nice,"
                + " iresnet, maf, iaf, nsf");
    }

    /**
     * The module specs of one block, in order.
     *
     * @param index  the block's position (0-based)
     * @param config the sizes: hidden width, spline bins, data dimensions (i-ResNets choose their log-det method
     *               by them)
     * @param rng    the generator for the block's fixed random choices (permutations, MADE weights)
     * @return the specs to append
     */
    List<ModuleSpec> block(int index, ModelConfig config, Rng rng) {
        int hidden = config.hidden();
        int dims = config.dims();
        SubnetConstructor subnet = Subnets.mlp(hidden);
        return switch (this) {
            case ALLINONE -> List.of(AllInOneBlock.builder().subnet(subnet).permuteSoft(true).rng(rng.split()));
            case GLOW -> List.of(GLOWCouplingBlock.builder().subnet(subnet).clamp(CLAMP), PermuteRandom.rng(rng.split()));
            case RNVP -> List.of(RNVPCouplingBlock.builder().subnet(subnet).clamp(CLAMP), PermuteRandom.rng(rng.split()));
            case NICE -> List.of(NICECouplingBlock.builder().subnet(subnet), PermuteRandom.rng(rng.split()));
            case IRESNET -> List.of(IResNetLayer.builder().internalSize(hidden).normalisation(Normalisation.SOFT)
                    .logDet(dims <= EXACT_LOG_DET_DIMS ? LogDetMethod.exact() : LogDetMethod.powerSeries(20, 1))
                    .rng(rng.split()));
            case MAF -> List.of(autoregressive(MaskedAffineAutoregressive.builder(), index, hidden, rng));
            case IAF -> List.of(autoregressive(InverseAutoregressiveFlow.builder(), index, hidden, rng));
            case NSF -> List.of(autoregressive(MaskedRationalQuadraticAutoregressive.builder().bins(config.bins()),
                    index, hidden, rng));
        };
    }

    /** A MADE of two hidden layers, the order reversed on every other transform. */
    private static AutoregressiveBuilder autoregressive(AutoregressiveBuilder b, int index, int hidden, Rng rng) {
        return b.hidden(hidden, hidden).order(index % 2 == 0 ? InputOrder.natural() : InputOrder.reversed())
                .rng(rng.split());
    }

    /**
     * Whether the architecture's blocks are splines with a bin count ({@code --bins}).
     *
     * @return true for {@code nsf}
     */
    public boolean binned() {
        return this == NSF;
    }

    /**
     * Whether the architecture's blocks can take a condition.
     *
     * @return false for i-ResNets
     */
    public boolean conditional() {
        return this != IRESNET;
    }
}
