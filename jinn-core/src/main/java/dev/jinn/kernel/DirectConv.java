package dev.jinn.kernel;

import java.util.Arrays;

/**
 * Float32 stride-1 convolutions with few output channels, computed from the images themselves instead of a
 * column matrix. im2col copies every input value once per kernel tap (a 3×3 convolution of 256 channels on a
 * 32×32 image writes and then reads 9 MB per image); when the product has only a handful of output rows that
 * copy costs more than the arithmetic. Here each input plane is copied once into a zero-bordered plane, and
 * in that padded layout every tap is a constant shift, so the convolution is a sum of shifted rows:
 * <ul>
 *   <li>forward: {@code out'[o, q] += Σ_kx w[o, c, ky, kx]·pad_c[q + ky·dH·Wp + kx·dW]}, one
 *       {@link ThinGemm.Kernel#rowUpdates row update} per input channel and kernel row, over output positions
 *       {@code q = y·Wp + x} in padded width {@code Wp} (the {@code Wp − OW} extra columns are dropped);</li>
 *   <li>weight gradient: {@code gw[o, c, ky, kx] = Σ_images Σ_q g'[o, q]·pad_c[q + shift]}, one
 *       {@link ThinGemm.Kernel#dots dot product} per tap, where {@code g'} is the output gradient in padded width
 *       with zeros in the extra columns.</li>
 * </ul>
 * Both run on the register-blocked {@link Planes} kernel ({@code VectorDirectConv}: the forward sums of four
 * outputs by two vectors of positions, the weight gradient's of four outputs by three taps, stay in registers over
 * every channel and tap, or over every image), or, where only {@link ThinGemm}'s vector loops loaded, on those
 * row updates and dots; without the vector API the direct form is not used. With the register-blocked kernel it
 * beats im2col and a product at every size it takes (the i-ResNet's 16×16 convolutions with 27 or 144 column
 * rows ran 2–4× faster). Images (or input channels, for the weight gradient) are split over the pool, each
 * result is computed by one task in a fixed order, so the bits do not depend on the thread count.
 */
public final class DirectConv {
    /** Most output channels of a convolution computed directly. */
    static final int MAX_OUTPUTS = 16;
    /**
     * Fewest column-matrix rows (input channels × taps) for which the row-update form pays, used only where the
     * register-blocked kernels did not load: below it im2col's copy is small and the blocked product runs as fast
     * as those row updates (an i-ResNet block of 16 channels has 144 rows).
     */
    static final int MIN_ROWS = 256;

    /** The register-blocked forward sum, or null where the vector API is not usable (the row updates run then). */
    private static final Planes PLANES = VectorKernels.load("VectorDirectConv", Planes.class);

    /**
     * Each thread's padded planes for the weight gradient, recycled: a 16-channel i-ResNet gradient would otherwise
     * allocate one set per channel.
     */
    private static final ThreadLocal<float[]> WEIGHT_PLANES = ThreadLocal.withInitial(() -> new float[0]);

    private DirectConv() {
    }

    /** This thread's weight-gradient planes, at least {@code length} long, zero up to {@code length}. */
    private static float[] weightPlanes(int length) {
        float[] planes = WEIGHT_PLANES.get();
        if (planes.length < length) {
            planes = new float[length];
            WEIGHT_PLANES.set(planes);
        } else {
            Arrays.fill(planes, 0, length, 0f);
        }
        return planes;
    }

    /** The forward sum over padded planes, in the shape in which the vector kernel is loaded by name. */
    interface Planes {
        /**
         * {@code acc[o·span + q] = Σ_t w[wo + o·T + t] · pad[q + shifts[t]]} for {@code o < outputs},
         * {@code q < span}, {@code T = shifts.length}: written, not accumulated. For a convolution, term
         * {@code t = (c·KH + ky)·KW + kx} is weight element {@code [o, c, ky, kx]} and its shift the offset of
         * that channel's padded plane plus the tap's offset within it.
         *
         * @param outputs output channels
         * @param shifts  the offset into {@code pad} of each term
         * @param span    output positions per channel
         * @param pad     the padded planes
         * @param w       dense weight, {@code T} values per output
         * @param wo      weight offset
         * @param acc     the sums, {@code [outputs, span]}
         */
        void forward(int outputs, int[] shifts, int span, float[] pad, float[] w, int wo, float[] acc);

        /**
         * {@code gw[gwo + o·gwRow + t] = Σ_{j < length} g[o·gRow + j] · pad[j + shifts[t]]} for {@code o < outputs},
         * {@code t < shifts.length}, in one fixed order: the weight gradient of one input channel when g holds
         * each output's gradients of all images in the padded planes' layout (zero outside the output positions)
         * and pad that channel's padded planes of all images.
         *
         * @param outputs output channels
         * @param shifts  the offset of each tap within a padded plane
         * @param length  the summed positions (images × padded plane length)
         * @param g       the output gradients, row o from {@code o·gRow}
         * @param gRow    the row stride of g
         * @param pad     the padded planes, readable up to {@code length} plus the largest shift
         * @param gw      the weight gradient, written
         * @param gwo     the offset of this channel's first tap of output 0
         * @param gwRow   the stride between outputs in gw
         */
        void weightSums(int outputs, int[] shifts, int length, float[] g, int gRow, float[] pad, float[] gw, int gwo,
                int gwRow);
    }

    /**
     * Whether a convolution is computed here: float32 (the caller's concern), the vector kernels loaded, one
     * group, stride 1, a kernel of more than one tap, at most {@value #MAX_OUTPUTS} output channels, and the
     * output size that the padded input gives.
     *
     * @param g       the geometry of the (single) channel group
     * @param outputs output channels
     * @param groups  channel groups
     * @return true when {@link #forward} and {@link #weightGradient} take it
     */
    public static boolean applies(Im2col.Geometry g, int outputs, int groups) {
        // The output size must be the one the padded input gives (a transposed convolution's output padding, run
        // as a direct convolution, asks for rows past the input, which im2col reads as zeros).
        boolean fits = g.outH() == g.height() + 2 * g.padH() - g.dilationH() * (g.kernelH() - 1)
                && g.outW() == g.width() + 2 * g.padW() - g.dilationW() * (g.kernelW() - 1);
        return ThinGemm.VECTOR != null && groups == 1 && g.strideH() == 1 && g.strideW() == 1
                && g.kernelH() * g.kernelW() > 1 && outputs <= MAX_OUTPUTS && fits;
    }

    /**
     * Whether a convolution (forward and weight gradient) should be computed here: it {@link #applies}, and either
     * the register-blocked vector kernels are loaded (they beat im2col and a product at every size they take: on
     * the i-ResNet's 16-image 16×16 convolutions, 3→16, 16→16 and 16→3 channels with 27 or 144 column rows, the
     * forward ran 2–4× faster) or the column matrix has at least {@value #MIN_ROWS} rows, so that im2col's copy
     * would cost more than the products.
     *
     * @param g       the geometry of the (single) channel group
     * @param outputs output channels
     * @param groups  channel groups
     * @return true when the direct form is both possible and worthwhile
     */
    public static boolean pays(Im2col.Geometry g, int outputs, int groups) {
        return (PLANES != null || g.rows() >= MIN_ROWS) && applies(g, outputs, groups);
    }

    /** The padded plane of one input channel: its size, row width and the zero tail the last shifts read. */
    private record Padding(int width, int plane, int length) {
        static Padding of(Im2col.Geometry g) {
            int width = g.width() + 2 * g.padW();
            int plane = (g.height() + 2 * g.padH()) * width;
            return new Padding(width, plane, plane + (g.kernelW() - 1) * g.dilationW());
        }
    }

    /**
     * {@code out = conv(x, w)} (no bias).
     *
     * @param g       geometry
     * @param n       images
     * @param outputs output channels
     * @param x       input storage, image b channel c at {@code xo + b·sN + c·sC}, rows {@code sH}, columns
     *                {@code sW} apart
     * @param xo      input offset
     * @param sN      image stride
     * @param sC      channel stride
     * @param sH      row stride
     * @param sW      column stride
     * @param w       dense weight {@code [outputs, channels, KH, KW]} from {@code wo}
     * @param wo      weight offset
     * @param out     dense output {@code [n, outputs, OH, OW]} from {@code oo}, every element written
     * @param oo      output offset
     */
    public static void forward(Im2col.Geometry g, int n, int outputs, float[] x, int xo, int sN, int sC, int sH,
            int sW, float[] w, int wo, float[] out, int oo) {
        Padding p = Padding.of(g);
        int span = g.outH() * p.width();
        int taps = g.kernelH() * g.kernelW();
        int outPlane = g.outH() * g.outW();
        if (PLANES != null) {
            // Every channel's padded plane side by side, then one register-blocked sum over all of them.
            int len = p.length();
            int[] shifts = new int[g.channels() * taps];
            for (int t = 0; t < shifts.length; t++) {
                int tap = t % taps;
                shifts[t] = (t / taps) * len + (tap / g.kernelW()) * g.dilationH() * p.width()
                        + (tap % g.kernelW()) * g.dilationW();
            }
            Parallel.forRange(n, (long) outputs * g.channels() * taps * span, (from, to) -> {
                // Recycled per thread (the i-ResNet runs hundreds of these per step); the planes' borders must
                // read as zeros, so the recycled array is cleared once, and fill only ever writes interiors.
                try (Scratch scratch = Scratch.take()) {
                    float[] pad = (float[]) scratch.array(Scratch.Slot.COLUMNS, true, g.channels() * len);
                    float[] acc = (float[]) scratch.array(Scratch.Slot.SIDE, true, outputs * span);
                    Arrays.fill(pad, 0, g.channels() * len, 0f);
                    for (int b = from; b < to; b++) {
                        for (int c = 0; c < g.channels(); c++) {
                            fill(g, p, x, xo + b * sN + c * sC, sH, sW, pad, c * len);
                        }
                        PLANES.forward(outputs, shifts, span, pad, w, wo, acc);
                        dropPaddingColumns(g, p, outputs, acc, out, oo + b * outputs * outPlane);
                    }
                }
            });
            return;
        }
        Parallel.forRange(n, (long) outputs * g.channels() * taps * span, (from, to) -> {
            float[] pad = new float[p.length()];
            float[] acc = new float[outputs * span];
            for (int b = from; b < to; b++) {
                Arrays.fill(acc, 0f);
                for (int c = 0; c < g.channels(); c++) {
                    fill(g, p, x, xo + b * sN + c * sC, sH, sW, pad, 0);
                    for (int ky = 0; ky < g.kernelH(); ky++) {
                        // acc[o, :] += Σ_kx w[o, c, ky, kx] · pad[ky·dH·Wp + kx·dW + :]
                        ThinGemm.VECTOR.rowUpdates(outputs, span, g.kernelW(), w, wo + (c * g.kernelH() + ky)
                                * g.kernelW(), g.channels() * taps, 1, pad, ky * g.dilationH() * p.width(),
                                g.dilationW(), acc, 0, true);
                    }
                }
                dropPaddingColumns(g, p, outputs, acc, out, oo + b * outputs * outPlane);
            }
        });
    }

    /** Copies {@code planes} dense output planes into padded width; the extra columns are left as they are. */
    private static void widen(Im2col.Geometry g, Padding p, int planes, float[] gy, int go, float[] gpad) {
        int span = g.outH() * p.width();
        int outPlane = g.outH() * g.outW();
        for (int t = 0; t < planes; t++) {
            for (int y = 0; y < g.outH(); y++) {
                System.arraycopy(gy, go + t * outPlane + y * g.outW(), gpad, t * span + y * p.width(), g.outW());
            }
        }
    }

    /** Copies one image's sums in padded width into its dense {@code [outputs, OH, OW]} output block. */
    private static void dropPaddingColumns(Im2col.Geometry g, Padding p, int outputs, float[] acc, float[] out,
            int at) {
        int span = g.outH() * p.width();
        int outPlane = g.outH() * g.outW();
        for (int o = 0; o < outputs; o++) {
            for (int y = 0; y < g.outH(); y++) {
                System.arraycopy(acc, o * span + y * p.width(), out, at + o * outPlane + y * g.outW(), g.outW());
            }
        }
    }

    /**
     * {@code gw = Σ_images ∂⟨conv(x, w), gy⟩/∂w}, the weight gradient.
     *
     * @param g       geometry
     * @param n       images
     * @param outputs output channels
     * @param x       input storage (as in {@link #forward})
     * @param xo      input offset
     * @param sN      image stride
     * @param sC      channel stride
     * @param sH      row stride
     * @param sW      column stride
     * @param gy      dense output gradient {@code [n, outputs, OH, OW]} from {@code go}
     * @param go      its offset
     * @param gw      dense weight gradient {@code [outputs, channels, KH, KW]}, every element written
     */
    public static void weightGradient(Im2col.Geometry g, int n, int outputs, float[] x, int xo, int sN, int sC,
            int sH, int sW, float[] gy, int go, float[] gw) {
        Padding p = Padding.of(g);
        int span = g.outH() * p.width();
        int taps = g.kernelH() * g.kernelW();
        int outPlane = g.outH() * g.outW();
        if (PLANES != null) {
            int len = p.length();
            int length = n * len;
            int[] shifts = new int[taps];
            for (int t = 0; t < taps; t++) {
                shifts[t] = (t / g.kernelW()) * g.dilationH() * p.width() + (t % g.kernelW()) * g.dilationW();
            }
            try (Scratch scratch = Scratch.take()) {
                // Each output's gradients of all images side by side, image b at b·len in padded width: then the
                // sum over images and positions is one flat run of length n·len for every tap.
                float[] rows = (float[]) scratch.array(Scratch.Slot.SIDE, true, outputs * length);
                Arrays.fill(rows, 0, outputs * length, 0f);
                for (int o = 0; o < outputs; o++) {
                    for (int b = 0; b < n; b++) {
                        for (int y = 0; y < g.outH(); y++) {
                            System.arraycopy(gy, go + (b * outputs + o) * outPlane + y * g.outW(), rows,
                                    o * length + b * len + y * p.width(), g.outW());
                        }
                    }
                }
                Parallel.forRange(g.channels(), (long) n * outputs * taps * span, (from, to) -> {
                    // One plane of slack for the shifted reads past the last image; zero borders (fill writes only
                    // interiors). Not the Scratch: the tasks may run on this thread, whose scratch is taken.
                    float[] pads = weightPlanes(length + len);
                    for (int c = from; c < to; c++) {
                        for (int b = 0; b < n; b++) {
                            fill(g, p, x, xo + b * sN + c * sC, sH, sW, pads, b * len);
                        }
                        PLANES.weightSums(outputs, shifts, length, rows, length, pads, gw, c * taps, g.channels() * taps);
                    }
                });
            }
            return;
        }
        // The output gradient in padded width, zero in the extra columns, so whole shifted rows can be dotted.
        float[] gpad = new float[n * outputs * span];
        widen(g, p, n * outputs, gy, go, gpad);
        Parallel.forRange(g.channels(), (long) n * outputs * taps * span, (from, to) -> {
            float[] pad = new float[p.length()];
            float[] sums = new float[outputs * taps];
            float[] dots = new float[outputs];
            for (int c = from; c < to; c++) {
                Arrays.fill(sums, 0f);
                for (int b = 0; b < n; b++) {
                    fill(g, p, x, xo + b * sN + c * sC, sH, sW, pad, 0);
                    for (int t = 0; t < taps; t++) {
                        int shift = (t / g.kernelW()) * g.dilationH() * p.width() + (t % g.kernelW()) * g.dilationW();
                        ThinGemm.VECTOR.dots(outputs, 1, span, gpad, b * outputs * span, span, pad, shift, 0, dots, 0);
                        for (int o = 0; o < outputs; o++) {
                            sums[o * taps + t] += dots[o];
                        }
                    }
                }
                for (int o = 0; o < outputs; o++) {
                    System.arraycopy(sums, o * taps, gw, (o * g.channels() + c) * taps, taps);
                }
            }
        });
    }

    /**
     * Copies one input plane into the interior of the padded plane that starts at {@code base}; its zero border is
     * never written.
     */
    private static void fill(Im2col.Geometry g, Padding p, float[] x, int at, int sH, int sW, float[] pad, int base) {
        for (int y = 0; y < g.height(); y++) {
            int dst = base + (y + g.padH()) * p.width() + g.padW();
            int src = at + y * sH;
            if (sW == 1) {
                System.arraycopy(x, src, pad, dst, g.width());
            } else {
                for (int i = 0; i < g.width(); i++) {
                    pad[dst + i] = x[src + i * sW];
                }
            }
        }
    }
}
