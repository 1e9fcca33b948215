package dev.jinn.flow.linear;

import dev.jinn.check.Require;
import dev.jinn.flow.FlowResult;
import dev.jinn.flow.InvertibleModule;
import dev.jinn.flow.Shape;
import dev.jinn.flow.SingleInput;
import dev.jinn.flow.UnconditionalSpec;
import dev.jinn.nn.Init;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.util.List;

/**
 * A fixed random permutation of the channels, FrEIA's {@code PermuteRandom}.
 *
 * <p>Formula: {@code y[:, i, …] = x[:, perm[i], …]} along the channel axis (axis 1 of the batch) for inputs of any
 * rank; reverse {@code x[:, i, …] = y[:, perm_inv[i], …]}. Log-det: 0.
 *
 * <p>The permutation: with a seed, exactly numpy's {@code np.random.seed(seed); np.random.permutation(C)} (through
 * {@link MersenneTwister}), so a FrEIA model built with the same seed permutes identically; without one, a
 * uniform draw from a jinn {@link Rng} (by default {@link Init#defaultRng()}).
 *
 * <p>State dict as FrEIA's: {@code perm} and {@code perm_inv}, int64 of shape {@code (C,)}. FrEIA registers them as
 * non-trainable parameters, so they are in its state dicts; here they are persistent buffers with the same names
 * and dtype, so FrEIA state dicts load strictly, and a permutation drawn without a seed survives a save and load.
 */
public final class PermuteRandom extends InvertibleModule {
    /**
     * The numpy-compatible permutation for a seed.
     *
     * @param dimsIn one input shape {@code (C, …)}
     * @param seed   numpy seed in {@code [0, 2³² − 1]}
     */
    public PermuteRandom(List<Shape> dimsIn, long seed) {
        this(dimsIn, new MersenneTwister(seed).permutation(channels(dimsIn)));
    }

    /**
     * A permutation drawn from a generator.
     *
     * @param dimsIn one input shape {@code (C, …)}
     * @param rng    the generator to draw from
     */
    public PermuteRandom(List<Shape> dimsIn, Rng rng) {
        this(dimsIn, drawn(rng, channels(dimsIn)));
    }

    private PermuteRandom(List<Shape> dimsIn, int[] perm) {
        super(dimsIn, List.of());
        long[] forward = new long[perm.length];
        long[] inverse = new long[perm.length];
        for (int i = 0; i < perm.length; i++) {
            forward[i] = perm[i];
            inverse[perm[i]] = i;
        }
        registerBuffer("perm", Tensors.of(forward, perm.length), true);
        registerBuffer("perm_inv", Tensors.of(inverse, perm.length), true);
    }

    /**
     * The spec for the numpy-compatible permutation of a seed.
     *
     * @param seed numpy seed in {@code [0, 2³² − 1]}
     * @return a spec for {@code SequenceINN.append} or a graph node
     */
    public static UnconditionalSpec seed(long seed) {
        MersenneTwister.checkSeed(seed); // reject a bad seed where the spec is written, not where it is built
        return in -> new PermuteRandom(in, seed);
    }

    /**
     * The spec for a permutation drawn from a generator (each module built from it draws anew).
     *
     * @param rng the generator
     * @return a spec for {@code SequenceINN.append} or a graph node
     */
    public static UnconditionalSpec rng(Rng rng) {
        Require.nonNull(rng, "PermuteRandom.rng: the generator");
        return in -> new PermuteRandom(in, rng);
    }

    /**
     * The spec for a permutation drawn from the default generator {@link Init#defaultRng()} when the module is
     * built.
     *
     * @return a spec for {@code SequenceINN.append} or a graph node
     */
    public static UnconditionalSpec spec() {
        return in -> new PermuteRandom(in, Init.defaultRng());
    }

    /**
     * The permutation.
     *
     * @return {@code perm}: output channel i is input channel {@code perm[i]}
     */
    public int[] permutation() {
        long[] p = buffer("perm").toLongArray();
        int[] out = new int[p.length];
        for (int i = 0; i < p.length; i++) {
            out[i] = (int) p[i];
        }
        return out;
    }

    /** Gathers the channels in permuted (forward) or inverse-permuted (reverse) order. */
    @Override
    public FlowResult forward(List<Tensor> x, List<Tensor> c, boolean reverse, boolean computeLogDet) {
        Tensor in = x.get(0);
        Tensor out = in.indexSelect(1, buffer(reverse ? "perm_inv" : "perm"));
        return FlowResult.of(out, Tensors.zeros(in.dtype(), in.size(0)));
    }

    /** The input shape. */
    @Override
    public List<Shape> outputDims(List<Shape> inputDims) {
        return List.of(SingleInput.of("PermuteRandom", inputDims));
    }

    private static int channels(List<Shape> dimsIn) {
        return SingleInput.of("PermuteRandom", dimsIn).channels();
    }

    private static int[] drawn(Rng rng, int n) {
        Require.nonNull(rng, "PermuteRandom: the generator");
        long[] p = Tensors.randperm(rng, n).toLongArray();
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = (int) p[i];
        }
        return out;
    }
}
