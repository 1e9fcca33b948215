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
 * Both run on the vector kernels of {@link ThinGemm}, so they are only used where those are loaded. Images (or
 * input channels, for the weight gradient) are split over the pool, each result is computed by one task in a
 * fixed order, so the bits do not depend on the thread count.
 */
public final class DirectConv {
    /** Most output channels of a convolution computed directly. */
    static final int MAX_OUTPUTS = 16;
    /**
     * Fewest column-matrix rows (input channels × taps) for which the direct form pays: below it im2col's copy
     * is small and the blocked product runs as fast (an i-ResNet block of 16 channels has 144 rows).
     */
    static final int MIN_ROWS = 256;

    private DirectConv() {
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
     * Whether a convolution should be computed here: it {@link #applies}, and its column matrix has at least
     * {@value #MIN_ROWS} rows, so that im2col's copy would cost more than the products.
     *
     * @param g       the geometry of the (single) channel group
     * @param outputs output channels
     * @param groups  channel groups
     * @return true when the direct form is both possible and worthwhile
     */
    public static boolean pays(Im2col.Geometry g, int outputs, int groups) {
        return g.rows() >= MIN_ROWS && applies(g, outputs, groups);
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
        Parallel.forRange(n, (long) outputs * g.channels() * taps * span, (from, to) -> {
            float[] pad = new float[p.length()];
            float[] acc = new float[outputs * span];
            for (int b = from; b < to; b++) {
                Arrays.fill(acc, 0f);
                for (int c = 0; c < g.channels(); c++) {
                    fill(g, p, x, xo + b * sN + c * sC, sH, sW, pad);
                    for (int ky = 0; ky < g.kernelH(); ky++) {
                        // acc[o, :] += Σ_kx w[o, c, ky, kx] · pad[ky·dH·Wp + kx·dW + :]
                        ThinGemm.VECTOR.rowUpdates(outputs, span, g.kernelW(), w, wo + (c * g.kernelH() + ky)
                                * g.kernelW(), g.channels() * taps, 1, pad, ky * g.dilationH() * p.width(),
                                g.dilationW(), acc, 0, true);
                    }
                }
                for (int o = 0; o < outputs; o++) {
                    for (int y = 0; y < g.outH(); y++) {
                        System.arraycopy(acc, o * span + y * p.width(), out, oo + (b * outputs + o) * outPlane
                                + y * g.outW(), g.outW());
                    }
                }
            }
        });
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
        // The output gradient in padded width, zero in the extra columns, so whole shifted rows can be dotted.
        float[] gpad = new float[n * outputs * span];
        for (int t = 0; t < n * outputs; t++) {
            for (int y = 0; y < g.outH(); y++) {
                System.arraycopy(gy, go + t * outPlane + y * g.outW(), gpad, t * span + y * p.width(), g.outW());
            }
        }
        Parallel.forRange(g.channels(), (long) n * outputs * taps * span, (from, to) -> {
            float[] pad = new float[p.length()];
            float[] sums = new float[outputs * taps];
            float[] dots = new float[outputs];
            for (int c = from; c < to; c++) {
                Arrays.fill(sums, 0f);
                for (int b = 0; b < n; b++) {
                    fill(g, p, x, xo + b * sN + c * sC, sH, sW, pad);
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

    /** Copies one input plane into the interior of the padded plane; its zero border is never written. */
    private static void fill(Im2col.Geometry g, Padding p, float[] x, int at, int sH, int sW, float[] pad) {
        for (int y = 0; y < g.height(); y++) {
            int dst = (y + g.padH()) * p.width() + g.padW();
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
