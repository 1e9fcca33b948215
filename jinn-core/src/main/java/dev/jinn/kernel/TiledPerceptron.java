package dev.jinn.kernel;

/**
 * The two-layer perceptron {@code y = relu(x·W1ᵀ + b1)·W2ᵀ + b2} for inference, one tile of rows at a time: the
 * hidden activations of a tile ({@link #tileRows(int)} rows × hidden) live in a per-thread scratch array that
 * stays in the cache, instead of a {@code [rows, hidden]} array that is written once and read twice from memory.
 * With nothing kept for a backward pass, the hidden layer needs no more than that. On the thin subnets of small
 * flows ({@code [B,1]·[1,512]} then {@code [B,512]·[512,2]}) the untiled layers are bound by that memory traffic,
 * not by the arithmetic.
 *
 * <p>Each tile's products are ordinary {@link Gemm} calls, so every element is the same sum of the same terms
 * as in the untiled layers, up to the order of rounding that a product's height may change inside a backend.
 * Tiles start at fixed rows ({@code 0, t, 2t, …}) whatever the thread count, and the pool takes whole tiles, so
 * results do not depend on the threads.
 */
public final class TiledPerceptron {
    /** Elements of one tile's hidden activations: 64 KB in float32, well inside L2. */
    private static final int TILE_ELEMENTS = 1 << 14;

    private TiledPerceptron() {
    }

    /**
     * The rows of one tile for a hidden width.
     *
     * @param hidden the hidden width
     * @return between 4 and 256 rows, about {@value #TILE_ELEMENTS} hidden elements
     */
    public static int tileRows(int hidden) {
        return Math.max(4, Math.min(256, TILE_ELEMENTS / Math.max(1, hidden)));
    }

    /**
     * The two layers on {@code rows} contiguous input rows. Arrays are all {@code float[]} or all
     * {@code double[]}; the weights are read through their strides (as stored, {@code [hidden, in]} and
     * {@code [out, hidden]}), the biases are contiguous or null.
     *
     * @param rows   input rows
     * @param in     input width
     * @param hidden hidden width
     * @param out    output width
     * @param x      the input, {@code rows × in} row-major from {@code xo}
     * @param xo     its offset
     * @param w1     the first weight {@code [hidden, in]}
     * @param w1o    its offset
     * @param w1r    its stride between rows (hidden units)
     * @param w1c    its stride between columns (inputs)
     * @param b1     the first bias ({@code hidden} elements from {@code b1o}), or null
     * @param b1o    its offset
     * @param w2     the second weight {@code [out, hidden]}
     * @param w2o    its offset
     * @param w2r    its stride between rows (outputs)
     * @param w2c    its stride between columns (hidden units)
     * @param b2     the second bias ({@code out} elements from {@code b2o}), or null
     * @param b2o    its offset
     * @param y      the output, {@code rows × out} row-major from {@code yo}, overwritten
     * @param yo     its offset
     */
    public static void run(int rows, int in, int hidden, int out, Object x, int xo, Object w1, int w1o, int w1r,
            int w1c, Object b1, int b1o, Object w2, int w2o, int w2r, int w2c, Object b2, int b2o, Object y, int yo) {
        boolean single = x instanceof float[];
        int tile = tileRows(hidden);
        int tiles = (rows + tile - 1) / tile;
        long perTile = (long) tile * hidden * (in + out);
        Object bias1 = fromZero(b1, b1o, hidden);
        Object bias2 = fromZero(b2, b2o, out);
        Parallel.forRange(tiles, perTile, (from, to) -> {
            try (Scratch scratch = Scratch.take()) {
                Object h = scratch.array(Scratch.Slot.PART, single, tile * hidden);
                Object row = scratch.array(Scratch.Slot.SIDE, single, Math.max(hidden, out));
                for (int t = from; t < to; t++) {
                    int r0 = t * tile;
                    int m = Math.min(tile, rows - r0);
                    // h = x_t·W1ᵀ (B = W1ᵀ through W1's strides), then the bias and the relu while h is in cache.
                    product(m, hidden, in, x, xo + r0 * in, in, 1, w1, w1o, w1c, w1r, h, 0);
                    biasRelu(h, 0, m, hidden, bias1, true, row);
                    product(m, out, hidden, h, 0, hidden, 1, w2, w2o, w2c, w2r, y, yo + r0 * out);
                    if (bias2 != null) {
                        biasRelu(y, yo + r0 * out, m, out, bias2, false, row);
                    }
                }
            }
        });
    }

    /** The {@code n} elements of a bias from {@code offset} as an array starting at 0 (null stays null). */
    private static Object fromZero(Object b, int offset, int n) {
        if (b == null || offset == 0) {
            return b;
        }
        if (b instanceof float[] f) {
            return java.util.Arrays.copyOfRange(f, offset, offset + n);
        }
        return java.util.Arrays.copyOfRange((double[]) b, offset, offset + n);
    }

    private static void product(int m, int n, int k, Object a, int ao, int ar, int ac, Object b, int bo, int br,
            int bc, Object c, int co) {
        if (c instanceof float[] fc) {
            Gemm.gemm(m, n, k, (float[]) a, ao, ar, ac, (float[]) b, bo, br, bc, fc, co);
        } else {
            Gemm.gemm(m, n, k, (double[]) a, ao, ar, ac, (double[]) b, bo, br, bc, (double[]) c, co);
        }
    }

    /**
     * {@code h[i][j] = max(h[i][j] + b[j], 0)} with {@link Math#max}'s bits (NaN stays NaN, -0 becomes +0), or
     * without the max, {@code h[i][j] += b[j]}, over an {@code m × n} block from {@code ho}. Each row goes through
     * {@code row}, a scratch row in L1, because the JIT vectorises a loop whose arrays share one index and not
     * {@code h[ho + i·n + j] += b[j]}. The bias starts at index 0 (or is null).
     */
    private static void biasRelu(Object h, int ho, int m, int n, Object b, boolean relu, Object row) {
        if (h instanceof float[] f) {
            float[] bf = (float[]) b;
            float[] s = (float[]) row;
            for (int i = 0; i < m; i++) {
                int p = ho + i * n;
                System.arraycopy(f, p, s, 0, n);
                if (relu && bf != null) {
                    for (int j = 0; j < n; j++) {
                        s[j] = Math.max(s[j] + bf[j], 0f);
                    }
                } else if (relu) {
                    for (int j = 0; j < n; j++) {
                        s[j] = Math.max(s[j], 0f);
                    }
                } else {
                    for (int j = 0; j < n; j++) {
                        s[j] += bf[j];
                    }
                }
                System.arraycopy(s, 0, f, p, n);
            }
        } else {
            double[] d = (double[]) h;
            double[] bd = (double[]) b;
            double[] s = (double[]) row;
            for (int i = 0; i < m; i++) {
                int p = ho + i * n;
                System.arraycopy(d, p, s, 0, n);
                if (relu && bd != null) {
                    for (int j = 0; j < n; j++) {
                        s[j] = Math.max(s[j] + bd[j], 0.0);
                    }
                } else if (relu) {
                    for (int j = 0; j < n; j++) {
                        s[j] = Math.max(s[j], 0.0);
                    }
                } else {
                    for (int j = 0; j < n; j++) {
                        s[j] += bd[j];
                    }
                }
                System.arraycopy(s, 0, d, p, n);
            }
        }
    }
}
