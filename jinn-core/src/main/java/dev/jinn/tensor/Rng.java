package dev.jinn.tensor;

import dev.jinn.check.Require;

/**
 * An explicit, seedable, splittable random number generator: xoshiro256** (Blackman and Vigna), seeded
 * through SplitMix64. The same seed gives the same numbers on every run, machine and thread count, because
 * every consumer draws from the generator it is handed, in order.
 *
 * <p>Gaussian samples use Marsaglia's polar method on 53-bit uniforms, so they are exact to float64
 * rounding. {@link #split()} derives an independent generator, for handing to a sub-task without sharing
 * state. {@link #state()} and {@link #fromState(long[])} save and restore the exact position (checkpoints).
 *
 * <p>Not thread-safe: give each thread its own generator (e.g. via {@link #split()}).
 */
public final class Rng {
    /** The seed used where the user gives none (documented default). */
    public static final long DEFAULT_SEED = 42L;

    private long s0;
    private long s1;
    private long s2;
    private long s3;
    private boolean hasSpare;
    private double spare;

    /** A generator with {@link #DEFAULT_SEED}. */
    public Rng() {
        this(DEFAULT_SEED);
    }

    /**
     * A generator whose sequence is fully determined by {@code seed}.
     *
     * @param seed any 64-bit value
     */
    public Rng(long seed) {
        long x = seed;
        x += 0x9E3779B97F4A7C15L;
        s0 = mix(x);
        x += 0x9E3779B97F4A7C15L;
        s1 = mix(x);
        x += 0x9E3779B97F4A7C15L;
        s2 = mix(x);
        x += 0x9E3779B97F4A7C15L;
        s3 = mix(x);
    }

    private Rng(long[] state, boolean hasSpare, double spare) {
        this.s0 = state[0];
        this.s1 = state[1];
        this.s2 = state[2];
        this.s3 = state[3];
        this.hasSpare = hasSpare;
        this.spare = spare;
    }

    /** SplitMix64's output function. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * The next 64 uniformly random bits.
     *
     * @return a random long
     */
    public long nextLong() {
        long result = Long.rotateLeft(s1 * 5, 7) * 9;
        long t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = Long.rotateLeft(s3, 45);
        return result;
    }

    /**
     * A uniform integer in {@code [0, bound)} without modulo bias (Lemire's method).
     *
     * @param bound exclusive upper bound, positive
     * @return the random integer
     */
    public long nextLong(long bound) {
        Require.positive(bound, "Rng.nextLong: bound");
        long threshold = Long.remainderUnsigned(-bound, bound);
        while (true) {
            long r = nextLong();
            long lo = r * bound;
            if (Long.compareUnsigned(lo, threshold) >= 0) {
                return Math.multiplyHigh(r, bound) + ((r >> 63) & bound);
            }
        }
    }

    /**
     * A uniform double in {@code [0, 1)} with 53 random bits.
     *
     * @return the random double
     */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /**
     * A uniform float in {@code [0, 1)} with 24 random bits.
     *
     * @return the random float
     */
    public float nextFloat() {
        return (nextLong() >>> 40) * 0x1.0p-24f;
    }

    /**
     * A standard normal sample.
     *
     * @return the random double
     */
    public double nextGaussian() {
        if (hasSpare) {
            hasSpare = false;
            return spare;
        }
        double u;
        double v;
        double s;
        do {
            u = 2 * nextDouble() - 1;
            v = 2 * nextDouble() - 1;
            s = u * u + v * v;
        } while (s >= 1 || s == 0);
        double f = Math.sqrt(-2 * Math.log(s) / s);
        spare = v * f;
        hasSpare = true;
        return u * f;
    }

    /**
     * An independent generator derived from this one (advances this one by one draw).
     *
     * @return the new generator
     */
    public Rng split() {
        return new Rng(mix(nextLong()));
    }

    /**
     * The exact position of the generator, for checkpoints: four state words, a flag and the cached
     * Gaussian's bits.
     *
     * @return six longs
     */
    public long[] state() {
        return new long[] {s0, s1, s2, s3, hasSpare ? 1 : 0, Double.doubleToRawLongBits(spare)};
    }

    /**
     * A generator at the position saved by {@link #state()}.
     *
     * @param state six longs from {@link #state()}
     * @return the restored generator
     */
    public static Rng fromState(long[] state) {
        if (state.length != 6 || (state[0] | state[1] | state[2] | state[3]) == 0) {
            throw new IllegalArgumentException("Rng.fromState: expected 6 longs with a nonzero generator state");
        }
        return new Rng(state, state[4] != 0, Double.longBitsToDouble(state[5]));
    }
}
