package dev.jinn.flow.linear;

import dev.jinn.check.Require;
import java.util.Arrays;

/**
 * The 32-bit Mersenne Twister MT19937 (Matsumoto and Nishimura 1998) seeded as {@code init_genrand}, plus the
 * two numpy routines built on it that FrEIA's random permutations use: numpy's legacy {@code RandomState} with
 * {@code seed(s)} followed by {@code permutation(n)} gives exactly {@link #permutation(int)} of a generator made
 * with {@code new MersenneTwister(s)}. That way a FrEIA model built with {@code PermuteRandom(seed=s)} and its
 * jinn twin permute identically.
 *
 * <p>Not thread-safe; one generator per use.
 */
public final class MersenneTwister {
    private static final int N = 624;
    private static final int M = 397;
    private static final int MATRIX_A = 0x9908b0df;
    private static final int UPPER = 0x80000000;
    private static final int LOWER = 0x7fffffff;

    private final int[] state = new int[N];
    private int next;

    /**
     * A generator in the state numpy's {@code np.random.seed(seed)} leaves.
     *
     * @param seed in {@code [0, 2³² − 1]}, as numpy requires
     */
    public MersenneTwister(long seed) {
        state[0] = (int) checkSeed(seed);
        for (int i = 1; i < N; i++) {
            // Knuth's multiplier; int arithmetic wraps modulo 2^32 exactly as the reference's unsigned longs.
            state[i] = 1812433253 * (state[i - 1] ^ (state[i - 1] >>> 30)) + i;
        }
        next = N;
    }

    /**
     * The next 32-bit output.
     *
     * @return a value in {@code [0, 2³² − 1]}
     */
    public long nextUInt32() {
        if (next >= N) {
            regenerate();
        }
        int y = state[next++];
        y ^= y >>> 11;
        y ^= (y << 7) & 0x9d2c5680;
        y ^= (y << 15) & 0xefc60000;
        y ^= y >>> 18;
        return y & 0xFFFFFFFFL;
    }

    /**
     * A uniform integer in {@code [0, max]} by numpy's legacy rule: draw 32-bit outputs, keep the bits under the
     * smallest all-ones mask covering {@code max}, and reject values above {@code max}.
     *
     * @param max the largest value, in {@code [0, 2³² − 1]}
     * @return the draw
     */
    public long nextInInterval(long max) {
        if (max < 0 || max > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("MersenneTwister.nextInInterval: max must be in [0, 2^32 - 1], got "
                    + max);
        }
        if (max == 0) {
            return 0;
        }
        long mask = max;
        for (int shift = 1; shift <= 16; shift <<= 1) {
            mask |= mask >>> shift;
        }
        long value;
        do {
            value = nextUInt32() & mask;
        } while (value > max);
        return value;
    }

    /**
     * A random permutation of {@code 0 … n−1} as numpy's legacy {@code permutation(n)}: a Fisher–Yates shuffle of
     * the identity from the last position down, position i swapped with {@link #nextInInterval(long)
     * nextInInterval(i)}.
     *
     * @param n the length, at least 0
     * @return the permutation
     */
    public int[] permutation(int n) {
        Require.atLeast(0, n, "MersenneTwister.permutation: n");
        int[] a = new int[n];
        Arrays.setAll(a, i -> i);
        for (int i = n - 1; i > 0; i--) {
            int j = (int) nextInInterval(i);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        return a;
    }

    /**
     * Checks that a seed is one numpy accepts.
     *
     * @param seed the seed
     * @return the seed
     * @throws IllegalArgumentException if it is outside {@code [0, 2³² − 1]}
     */
    static long checkSeed(long seed) {
        if (seed < 0 || seed > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("MersenneTwister: the seed must be between 0 and 2^32 - 1 (as numpy's),"
                    + " got " + seed);
        }
        return seed;
    }

    /** Produces the next N words of state (the "twist"). */
    private void regenerate() {
        for (int k = 0; k < N; k++) {
            int y = (state[k] & UPPER) | (state[(k + 1) % N] & LOWER);
            state[k] = state[(k + M) % N] ^ (y >>> 1) ^ ((y & 1) != 0 ? MATRIX_A : 0);
        }
        next = 0;
    }
}
