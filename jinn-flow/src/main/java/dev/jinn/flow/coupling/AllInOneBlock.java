package dev.jinn.flow.coupling;

import dev.jinn.flow.FlowResult;
import dev.jinn.flow.ModuleSpec;
import dev.jinn.flow.Shape;
import dev.jinn.flow.SubnetConstructor;
import dev.jinn.nn.Layer;
import dev.jinn.nn.SeededBuilder;
import dev.jinn.tensor.DType;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * FrEIA's {@code AllInOneBlock}: an affine coupling, a global affine transform (ActNorm-like) and a channel
 * permutation in one block,
 * <pre>
 *   y = P( Ψ(g) ⊙ coupling(x) + b )
 * </pre>
 * with {@code g = global_scale}, {@code b = global_offset} (both {@code (1, C, 1, …)}), {@code Ψ} a
 * {@link GlobalAffineType} and {@code P} the permutation.
 *
 * <p><b>Coupling.</b> The channels split into a passive {@code x1} of {@code len1 = C − ⌊C/2⌋} channels (the
 * larger half) and an active {@code x2} of {@code len2 = ⌊C/2⌋}. With {@code a = 0.1 · subnet([x1, c…])} (the
 * subnet's output is scaled down by ten, for stable starts) and {@code α = affine_clamping}:
 * <pre>
 *   s = α · tanh(a[:len2] / α),   t = a[len2:]
 *   u = cat(x1, x2 ⊙ e^{s} + t)
 * </pre>
 * (As a {@link CouplingBlock}, its {@link #clamp()} is {@code α} and its clamp function {@code tanh(u/α)}.)
 * In GIN mode ({@code ginBlock(true)}) {@code s} is centred over all non-batch axes (channels and pixels) and
 * {@code Ψ(g)} is replaced by 1 (the offset still applies), making the block volume-preserving.
 *
 * <p><b>Log-det</b> (forward): {@code Σ s + n_pixels · Σ_c ln Ψ(g)_c}, with {@code n_pixels} the number of
 * positions per channel (1 for vectors, H·W for images) and the sums over all non-batch axes; the permutation
 * contributes 0. The inverse {@code u = (P⁻¹ y − b) / Ψ(g)}, {@code x2 = (u2 − t) ⊙ e^{−s}} returns the
 * negated log-det.
 *
 * <p><b>Permutation</b> {@code P}, applied after scale and offset:
 * <ul>
 *   <li>hard (default): a random index permutation, {@code y[:, i] = v[:, p[i]]}; buffers {@code w_perm} and
 *       {@code w_perm_inv} (its argsort), int64 {@code (C,)}, as FrEIA stores them;</li>
 *   <li>soft ({@code permuteSoft(true)}): a Haar-random rotation {@code W ∈ SO(C)} applied at every pixel,
 *       {@code y = W v}, inverse {@code Wᵀ}; buffers {@code w_perm = W} and {@code w_perm_inv = Wᵀ}, shaped
 *       {@code (C, C, 1, …)} with one 1 per non-channel axis, as FrEIA's;</li>
 *   <li>learned Householder ({@code learnedHouseholderPermutation(K)}, K &gt; 0):
 *       {@code W = W₀·H₁·…·H_K}, {@code H_k = I − 2 v_k v_kᵀ/(v_kᵀ v_k)}, with trainable
 *       {@code vk_householder ~ 0.2·N(0, 1)} of shape {@code (K, C)} and fixed buffer {@code w_0} {@code (C, C)};
 *       no {@code w_perm} buffers.</li>
 * </ul>
 * With {@code reversePermutation(true)} the input is first multiplied by {@code P⁻¹} (Putzky et al. 2019), so
 * that {@code y = P(Ψ(g) ⊙ coupling(P⁻¹ x) + b)}.
 *
 * <p><b>State dict</b> (FrEIA's keys, so FrEIA checkpoints load): parameters {@code global_scale},
 * {@code global_offset}, {@code vk_householder}; persistent buffers {@code w_perm}, {@code w_perm_inv} or
 * {@code w_0} (trainable-off {@code nn.Parameter}s in FrEIA); {@code subnet.*}.
 *
 * <p><b>Differences from FrEIA</b>, all where FrEIA fails:
 * <ul>
 *   <li>Learned Householder reflections without {@code permuteSoft} crash FrEIA (its initial matrix is never
 *       drawn); jinn starts from the matrix of a random hard permutation.</li>
 *   <li>FrEIA stores the rotation in float32 even in a float64 model, so its float64 round trip is only exact to
 *       about 1e-7; jinn keeps the draw in float64 until the block is converted with {@code to(dtype)} and applies
 *       it at the input's dtype. Loading a FrEIA state dict gives FrEIA's (rounded) matrices.</li>
 *   <li>FrEIA checks only the first condition's shape; jinn checks them all. Soft and Householder permutations
 *       work for inputs of any rank (FrEIA: at most 4 axes). Init values that would make {@code g} NaN and a
 *       non-positive {@code α} are rejected.</li>
 * </ul>
 * FrEIA warns that a soft permutation of more than 512 channels is slow to draw; jinn logs the same warning.
 */
public final class AllInOneBlock extends CouplingBlock {
    private static final Logger LOG = LoggerFactory.getLogger(AllInOneBlock.class);
    private static final int SOFT_PERMUTATION_WARN_CHANNELS = 512;

    private enum Permutation { HARD, SOFT, HOUSEHOLDER }

    private final boolean gin;
    private final GlobalAffineType globalAffineType;
    private final Permutation permutation;
    private final boolean reversePermutation;
    private final int pixels;
    private final Layer subnet;

    private AllInOneBlock(List<Shape> dimsIn, List<Shape> dimsC, Builder b) {
        // s = α·tanh(a/α) is the shared clamp with clamp α and f(u) = tanh(u/α).
        super(dimsIn, dimsC, passiveHalf(dimsIn), b.affineClamping, tanhClamp(b.affineClamping));
        String who = getClass().getSimpleName();
        SubnetConstructor constructor = b.subnetConstructor(who);
        Shape in = dimsIn.get(0);
        int channels = channels();
        this.gin = b.ginBlock;
        this.globalAffineType = b.globalAffineType;
        this.reversePermutation = b.reversePermutation;
        this.permutation = b.householder > 0 ? Permutation.HOUSEHOLDER
                : b.permuteSoft ? Permutation.SOFT : Permutation.HARD;
        this.pixels = in.spatialNumel();

        if (b.permuteSoft && channels > SOFT_PERMUTATION_WARN_CHANNELS) {
            LOG.warn("{}: a soft permutation of {} channels takes a long time to draw and to apply; consider a hard"
                    + " permutation instead", who, channels);
        }
        int[] affineShape = new int[in.rank() + 1];
        Arrays.fill(affineShape, 1);
        affineShape[1] = channels;
        double g = globalAffineType.preActivation(b.globalAffineInit);
        registerParameter("global_scale", Tensors.full(DType.FLOAT32, g, affineShape));
        registerParameter("global_offset", Tensors.zeros(DType.FLOAT32, affineShape));

        Rng rng = b.generatorOrDefault();
        // Drawn in float64 (see the class comment); hard permutations are exact in any dtype.
        Tensor index = b.permuteSoft ? null : Tensors.randperm(rng, channels);
        Tensor rotation = b.permuteSoft ? ChannelMixing.haarRotation(rng, channels) : null;
        if (permutation == Permutation.HOUSEHOLDER) {
            registerParameter("vk_householder",
                    Tensors.randn(rng, DType.FLOAT32, b.householder, channels).mul(0.2).detach());
            registerBuffer("w_0", rotation != null ? rotation : ChannelMixing.permutationMatrix(index), true);
        } else if (permutation == Permutation.SOFT) {
            int[] kernel = new int[in.rank() + 1];
            Arrays.fill(kernel, 1);
            kernel[0] = channels;
            kernel[1] = channels;
            registerBuffer("w_perm", rotation.reshape(kernel).contiguous(), true);
            registerBuffer("w_perm_inv", rotation.t().contiguous().reshape(kernel), true);
        } else {
            registerBuffer("w_perm", index, true);
            registerBuffer("w_perm_inv", ChannelMixing.inversePermutation(index), true);
        }
        this.subnet = registerModule("subnet", constructor.build(splitLen1() + conditionChannels(), 2 * splitLen2()));
    }

    private static ClampActivation tanhClamp(double alpha) {
        return ClampActivation.scaledTanh(alpha);
    }

    /** The passive (first) half is the larger one: {@code C − ⌊C/2⌋} channels. */
    private static SplitLength passiveHalf(List<Shape> dimsIn) {
        if (dimsIn == null || dimsIn.isEmpty()) {
            return SplitLength.HALF; // the superclass reports the missing input
        }
        int c = dimsIn.get(0).channels();
        return SplitLength.count(c - c / 2);
    }

    /**
     * A builder with FrEIA's defaults (affine clamping 2, no GIN, global affine init 1 with SOFTPLUS, hard
     * permutation, no Householder reflections, no reverse permutation); a subnet is required.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The current global scale {@code Ψ(global_scale)} (1 in GIN mode).
     *
     * @return shape {@code (1, C, 1, …)}
     */
    public Tensor globalScale() {
        Tensor g = parameter("global_scale");
        return gin ? Tensors.onesLike(g) : globalAffineType.activate(g);
    }

    /**
     * The current permutation as a matrix acting on channels: {@code y = W v} at every pixel.
     *
     * @return {@code [C, C]} (float64 for hard permutations, else the dtype of the block's state)
     */
    public Tensor permutationMatrix() {
        return switch (permutation) {
            case HARD -> ChannelMixing.permutationMatrix(buffer("w_perm"));
            case SOFT -> buffer("w_perm").reshape(channels(), channels());
            case HOUSEHOLDER -> householderMatrix();
        };
    }

    private Tensor householderMatrix() {
        return ChannelMixing.householderProduct(buffer("w_0"), parameter("vk_householder"));
    }

    @Override
    public FlowResult forward(List<Tensor> x, List<Tensor> c, boolean reverse, boolean computeLogDet) {
        // A learned Householder matrix changes with its parameters, so it is rebuilt on every call.
        Tensor householder = permutation == Permutation.HOUSEHOLDER ? householderMatrix() : null;
        Tensor scale = gin ? null : globalAffineType.activate(parameter("global_scale"));
        Tensor offset = parameter("global_offset");

        Tensor v = singleInput(x);
        if (reverse) {
            v = permute(v, true, householder).sub(offset);
            if (scale != null) {
                v = v.div(scale);
            }
        } else if (reversePermutation) {
            v = permute(v, true, householder);
        }

        List<Tensor> halves = split(v);
        Tensor x1 = halves.get(0);
        Tensor a = subnet.forward(withConditions(x1, c)).mul(0.1);
        int active = splitLen2();
        FlowResult coupled;
        if (gin) {
            Tensor s = logScale(a.narrow(1, 0, active));
            s = s.sub(s.mean(sampleAxes(), true));
            coupled = affine(halves.get(1), s, a.narrow(1, active, active), reverse);
        } else {
            coupled = clampedAffine(halves.get(1), a.narrow(1, 0, active), a.narrow(1, active, active), reverse);
        }
        Tensor logDet = coupled.logDet();
        Tensor out = Tensor.cat(List.of(x1, coupled.output()), 1);

        if (!reverse) {
            Tensor scaled = scale != null ? out.mul(scale) : out;
            out = permute(scaled.add(offset), false, householder);
        } else if (reversePermutation) {
            out = permute(out, false, householder);
        }
        if (scale != null) {
            logDet = logDet.add(scale.log().sum().mul(reverse ? -pixels : pixels));
        }
        return FlowResult.of(out, logDet);
    }

    /** Applies P (or P⁻¹ when {@code inverse}). */
    private Tensor permute(Tensor v, boolean inverse, Tensor householder) {
        return switch (permutation) {
            case HARD -> ChannelMixing.byIndex(v, buffer(inverse ? "w_perm_inv" : "w_perm"));
            case SOFT -> ChannelMixing.byMatrix(v, buffer(inverse ? "w_perm_inv" : "w_perm"));
            case HOUSEHOLDER -> ChannelMixing.byMatrix(v, inverse ? householder.t() : householder);
        };
    }

    @Override
    protected String extraRepr() {
        return "channels=" + channels() + ", conditions=" + conditionChannels() + ", affine_clamping=" + clamp()
                + ", gin_block=" + gin + ", global_affine_type=" + globalAffineType + ", permutation=" + permutation
                + ", reverse_permutation=" + reversePermutation;
    }

    /**
     * Builds {@link AllInOneBlock}s; every option of FrEIA's constructor, with its defaults. Each built block
     * draws its own permutation and Householder vectors from the generator ({@link SeededBuilder#rng}); subnets
     * draw their initial weights from their own constructor.
     */
    public static final class Builder extends SeededBuilder<Builder> implements ModuleSpec {
        private SubnetConstructor subnet;
        private double affineClamping = 2.0;
        private boolean ginBlock;
        private double globalAffineInit = 1.0;
        private GlobalAffineType globalAffineType = GlobalAffineType.SOFTPLUS;
        private boolean permuteSoft;
        private int householder;
        private boolean reversePermutation;

        private Builder() {
        }

        /**
         * The subnet constructor (required): called with {@code (len1 + Σkᵢ, 2·len2)}.
         *
         * @param constructor e.g. {@code Subnets.mlp(512)}
         * @return this builder
         */
        public Builder subnet(SubnetConstructor constructor) {
            this.subnet = Objects.requireNonNull(constructor, "subnet constructor");
            return this;
        }

        /**
         * The soft clamp {@code α} of the log-scale, {@code s = α·tanh(a/α)} (default 2).
         *
         * @param alpha finite and positive
         * @return this builder
         * @throws IllegalArgumentException otherwise
         */
        public Builder affineClamping(double alpha) {
            if (!(alpha > 0) || !Double.isFinite(alpha)) {
                throw new IllegalArgumentException("AllInOneBlock: affine_clamping must be finite and > 0, got " + alpha);
            }
            this.affineClamping = alpha;
            return this;
        }

        /**
         * GIN mode: a volume-preserving coupling and no global scale (default false).
         *
         * @param gin whether to enable it
         * @return this builder
         */
        public Builder ginBlock(boolean gin) {
            this.ginBlock = gin;
            return this;
        }

        /**
         * The initial global scale {@code Ψ(global_scale)} (default 1).
         *
         * @param init positive (below 10 for {@link GlobalAffineType#SIGMOID}); checked when a block is built
         * @return this builder
         */
        public Builder globalAffineInit(double init) {
            this.globalAffineInit = init;
            return this;
        }

        /**
         * The activation {@code Ψ} of the global scale (default {@link GlobalAffineType#SOFTPLUS}).
         *
         * @param type the activation
         * @return this builder
         */
        public Builder globalAffineType(GlobalAffineType type) {
            this.globalAffineType = Objects.requireNonNull(type, "global affine type");
            return this;
        }

        /**
         * A Haar-random rotation instead of a hard permutation (default false).
         *
         * @param soft whether to use it
         * @return this builder
         */
        public Builder permuteSoft(boolean soft) {
            this.permuteSoft = soft;
            return this;
        }

        /**
         * The number K of learned Householder reflections multiplied onto the permutation (default 0: none).
         *
         * @param k {@code >= 0}
         * @return this builder
         * @throws IllegalArgumentException for a negative count
         */
        public Builder learnedHouseholderPermutation(int k) {
            if (k < 0) {
                throw new IllegalArgumentException("AllInOneBlock: learned_householder_permutation must be >= 0, got "
                        + k);
            }
            this.householder = k;
            return this;
        }

        /**
         * Whether to apply the inverse permutation before the coupling (default false).
         *
         * @param reverse whether to enable it
         * @return this builder
         */
        public Builder reversePermutation(boolean reverse) {
            this.reversePermutation = reverse;
            return this;
        }


        private SubnetConstructor subnetConstructor(String who) {
            if (subnet == null) {
                throw new IllegalArgumentException(who + ": no subnet constructor given; call subnet(...), e.g. "
                        + "subnet(Subnets.mlp(512))");
            }
            return subnet;
        }

        @Override
        public AllInOneBlock build(List<Shape> dimsIn, List<Shape> dimsC) {
            return new AllInOneBlock(dimsIn, dimsC, this);
        }
    }
}
