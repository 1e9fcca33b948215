package dev.jinn.flow.autoregressive;

import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.util.Arrays;

/**
 * The order in which an autoregressive transform treats the input dimensions: output {@code d} depends only on
 * the inputs that come before {@code d} in the order. Alternating orders between stacked transforms (natural,
 * reversed, random) lets every dimension depend on every other one across the flow.
 */
public final class InputOrder {
    private final String name;
    private final int[] given;
    private final Long seed;
    private final boolean reversed;

    private InputOrder(String name, int[] given, Long seed, boolean reversed) {
        this.name = name;
        this.given = given;
        this.seed = seed;
        this.reversed = reversed;
    }

    /**
     * Dimension 0 first, then 1, 2, … (MADE's default).
     *
     * @return the order
     */
    public static InputOrder natural() {
        return new InputOrder("natural", null, null, false);
    }

    /**
     * The last dimension first.
     *
     * @return the order
     */
    public static InputOrder reversed() {
        return new InputOrder("reversed", null, null, true);
    }

    /**
     * A random permutation drawn from a seed (the same one for the same seed and dimension count).
     *
     * @param seed the seed
     * @return the order
     */
    public static InputOrder random(long seed) {
        return new InputOrder("random(" + seed + ")", null, seed, false);
    }

    /**
     * An explicit order: {@code order[k]} is the dimension treated k-th.
     *
     * @param order a permutation of {@code 0 … D−1}
     * @return the order
     */
    public static InputOrder given(int... order) {
        return new InputOrder("given" + Arrays.toString(order), order.clone(), null, false);
    }

    /**
     * The dimensions in the order they are treated.
     *
     * @param dims the number of dimensions D
     * @return a permutation of {@code 0 … D−1}
     * @throws IllegalArgumentException when a given order is not a permutation of D dimensions
     */
    public int[] sequence(int dims) {
        int[] s = new int[dims];
        if (given != null) {
            if (given.length != dims || !isPermutation(given)) {
                throw new IllegalArgumentException("InputOrder: " + Arrays.toString(given) + " is not a permutation "
                        + "of the " + dims + " input dimensions");
            }
            return given.clone();
        }
        if (seed != null) {
            long[] p = Tensors.randperm(new Rng(seed), dims).toLongArray();
            for (int k = 0; k < dims; k++) {
                s[k] = (int) p[k];
            }
            return s;
        }
        for (int k = 0; k < dims; k++) {
            s[k] = reversed ? dims - 1 - k : k;
        }
        return s;
    }

    /**
     * MADE's degree of each input: its 1-based place in the order.
     *
     * @param dims the number of dimensions D
     * @return {@code degree[i]} in {@code 1 … D}
     */
    int[] degrees(int dims) {
        int[] seq = sequence(dims);
        int[] degree = new int[dims];
        for (int k = 0; k < dims; k++) {
            degree[seq[k]] = k + 1;
        }
        return degree;
    }

    private static boolean isPermutation(int[] p) {
        boolean[] seen = new boolean[p.length];
        for (int v : p) {
            if (v < 0 || v >= p.length || seen[v]) {
                return false;
            }
            seen[v] = true;
        }
        return true;
    }

    @Override
    public String toString() {
        return name;
    }
}
