package dev.jinn.kernel;

/**
 * The data movements that let one GEMM cover several images of a batch: the column matrices of {@code count}
 * images lie side by side in one {@code rows × (count·cols)} matrix (image {@code j} in columns
 * {@code [j·cols, (j+1)·cols)}), and per-image row blocks (such as the channels of a convolution's output) are
 * gathered into, or scattered from, the same side-by-side layout.
 *
 * <p>Storage is a {@code float[]} or a {@code double[]}, passed as {@code Object} so that one call serves both
 * precisions; the element loops themselves are in {@link Im2col}. Work is split over {@link Parallel} by whole
 * (image, channel) or (image, row) items, each of which writes its own elements only, so results do not depend
 * on the thread count.
 */
public final class ColumnBatch {
    private ColumnBatch() {
    }

    /**
     * Where a batch of images lies in its storage.
     *
     * @param data          a {@code float[]} or {@code double[]}
     * @param offset        offset of element (0, 0, 0) of image 0
     * @param imageStride   distance between images
     * @param channelStride distance between channels
     * @param rowStride     distance between rows
     * @param colStride     distance between columns
     */
    public record Images(Object data, int offset, int imageStride, int channelStride, int rowStride,
            int colStride) {
        /**
         * The same layout starting {@code elements} further on (another first image or channel).
         *
         * @param elements the shift of the offset
         * @return the shifted layout
         */
        public Images shift(int elements) {
            return new Images(data, offset + elements, imageStride, channelStride, rowStride, colStride);
        }

        private boolean planesContiguous(Im2col.Geometry g) {
            return colStride == 1 && rowStride == g.width();
        }
    }

    /**
     * Unfolds {@code count} images side by side: the column matrix of image {@code j} fills columns
     * {@code [j·cols, (j+1)·cols)} of the {@code rows() × (count·cols())} matrix {@code col}.
     *
     * @param g     the geometry of one image
     * @param x     the images
     * @param count number of images
     * @param col   the output, row-major with leading dimension {@code count·cols()}, written from index 0
     */
    public static void im2col(Im2col.Geometry g, Images x, int count, Object col) {
        int cols = g.cols();
        int ld = count * cols;
        if (g.pointwise() && x.planesContiguous(g)) {
            // The column matrix of a 1×1 convolution is the image itself: whole planes are block copies.
            Parallel.forRange(count * g.channels(), cols, (from, to) -> {
                for (int it = from; it < to; it++) {
                    int j = it / g.channels();
                    int c = it % g.channels();
                    System.arraycopy(x.data, x.offset + j * x.imageStride + c * x.channelStride, col,
                            c * ld + j * cols, cols);
                }
            });
            return;
        }
        forChannelRuns(g, count, (j, c0, c1) -> {
            int xo = x.offset + j * x.imageStride;
            if (col instanceof float[] f) {
                Im2col.im2col(g, (float[]) x.data, xo, x.channelStride, x.rowStride, x.colStride, f, j * cols, ld,
                        c0, c1);
            } else {
                Im2col.im2col(g, (double[]) x.data, xo, x.channelStride, x.rowStride, x.colStride, (double[]) col,
                        j * cols, ld, c0, c1);
            }
        });
    }

    /**
     * {@link #im2col(Im2col.Geometry, Images, int, Object)} for float32 images, written into native memory: each
     * channel's rows are unfolded into a small Java array that stays in cache and then copied to their place with
     * bulk puts, so the column matrix never exists on the Java heap and the native GEMM reads it without a copy.
     *
     * @param g     the geometry of one channel group
     * @param x     the images ({@code float[]} storage), first one at its offset
     * @param count number of images
     * @param col   the {@code rows × count·cols} column matrix, written
     */
    public static void im2col(Im2col.Geometry g, Images x, int count, NativeFloats col) {
        // Channel runs are as short as one channel; a fresh staging array for each would zero as many bytes as
        // the whole column matrix holds, so each thread keeps one.
        int cols = g.cols();
        int ld = count * cols;
        int taps = g.kernelH() * g.kernelW();
        float[] data = (float[]) x.data;
        java.nio.FloatBuffer out = col.buffer();
        forChannelRuns(g, count, (j, c0, c1) -> {
            float[] stage = stage(taps * cols);
            int xo = x.offset + j * x.imageStride;
            for (int c = c0; c < c1; c++) {
                // Row r of channel c lands at stage[r·cols]: the offset cancels the channel's first row index.
                Im2col.im2col(g, data, xo, x.channelStride, x.rowStride, x.colStride, stage, -c * taps * cols, cols,
                        c, c + 1);
                for (int r = 0; r < taps; r++) {
                    out.put((c * taps + r) * ld + j * cols, stage, r * cols, cols);
                }
            }
        });
    }

    /** One channel's unfolded rows, per thread, before they are copied into native memory. */
    private static final ThreadLocal<float[]> STAGE = ThreadLocal.withInitial(() -> new float[0]);

    private static float[] stage(int length) {
        float[] s = STAGE.get();
        if (s.length < length) {
            s = new float[length];
            STAGE.set(s);
        }
        return s;
    }

    /**
     * Folds {@code count} side-by-side column matrices (as {@link #im2col} lays them out) back into their
     * images, adding into them.
     *
     * @param g     the geometry of one image
     * @param col   the {@code rows() × (count·cols())} input, read from index 0
     * @param count number of images
     * @param x     the images, added into
     */
    public static void col2im(Im2col.Geometry g, Object col, int count, Images x) {
        int cols = g.cols();
        int ld = count * cols;
        forChannelRuns(g, count, (j, c0, c1) -> {
            int xo = x.offset + j * x.imageStride;
            if (col instanceof float[] f) {
                Im2col.col2im(g, f, j * cols, ld, (float[]) x.data, xo, x.channelStride, x.rowStride, x.colStride,
                        c0, c1);
            } else {
                Im2col.col2im(g, (double[]) col, j * cols, ld, (double[]) x.data, xo, x.channelStride, x.rowStride,
                        x.colStride, c0, c1);
            }
        });
    }

    /** A body over channels {@code [c0, c1)} of image {@code j}. */
    @FunctionalInterface
    private interface ChannelRun {
        void run(int image, int c0, int c1);
    }

    /**
     * Splits the (image, channel) items of a batch over the pool and hands each thread's range to {@code body}
     * as runs of channels within one image, so that small channels do not cost one call each.
     */
    private static void forChannelRuns(Im2col.Geometry g, int count, ChannelRun body) {
        int channels = g.channels();
        long perChannel = (long) g.kernelH() * g.kernelW() * g.cols();
        Parallel.forRange(count * channels, perChannel, (from, to) -> {
            for (int it = from; it < to;) {
                int j = it / channels;
                int c0 = it % channels;
                int c1 = Math.min(channels, c0 + (to - it));
                body.run(j, c0, c1);
                it += c1 - c0;
            }
        });
    }

    /**
     * Gathers {@code rows} rows of {@code len} elements from each of {@code count} images into one
     * {@code rows × (count·len)} matrix, image {@code j}'s rows in columns {@code [j·len, (j+1)·len)}.
     *
     * @param src         storage of the images' rows
     * @param offset      offset of image 0's first row
     * @param imageStride distance between images
     * @param rows        rows per image (contiguous, {@code len} apart)
     * @param len         row length
     * @param count       number of images
     * @param side        the output, written from index 0
     */
    public static void gather(Object src, int offset, int imageStride, int rows, int len, int count, Object side) {
        int ld = count * len;
        Parallel.forRange(count * rows, len, (from, to) -> {
            for (int it = from; it < to; it++) {
                int j = it / rows;
                int r = it % rows;
                System.arraycopy(src, offset + j * imageStride + r * len, side, r * ld + j * len, len);
            }
        });
    }

    /**
     * The inverse of {@link #gather}: writes the columns {@code [j·len, (j+1)·len)} of a
     * {@code rows × (count·len)} matrix as the {@code rows} contiguous rows of image {@code j}.
     *
     * @param side        the input, read from index 0
     * @param rows        rows per image
     * @param len         row length
     * @param count       number of images
     * @param dst         storage of the images' rows, written
     * @param offset      offset of image 0's first row
     * @param imageStride distance between images
     */
    public static void scatter(Object side, int rows, int len, int count, Object dst, int offset, int imageStride) {
        int ld = count * len;
        Parallel.forRange(count * rows, len, (from, to) -> {
            for (int it = from; it < to; it++) {
                int j = it / rows;
                int r = it % rows;
                System.arraycopy(side, r * ld + j * len, dst, offset + j * imageStride + r * len, len);
            }
        });
    }

    /**
     * As {@link #scatter}, from the transposed side-by-side matrix: {@code side} is {@code (count·len) × rows},
     * and row {@code r} of image {@code j} receives its column {@code r}, entries {@code [j·len, (j+1)·len)}.
     * This is the layout of a product computed as {@code (A·B)ᵀ = Bᵀ·Aᵀ}, which BLAS runs faster when
     * {@code rows} is small.
     *
     * @param side        the input, read from index 0
     * @param rows        rows per image
     * @param len         row length
     * @param count       number of images
     * @param dst         storage of the images' rows, written
     * @param offset      offset of image 0's first row
     * @param imageStride distance between images
     */
    public static void scatterTransposed(Object side, int rows, int len, int count, Object dst, int offset,
            int imageStride) {
        Parallel.forRange(count * rows, len, (from, to) -> {
            for (int it = from; it < to; it++) {
                int j = it / rows;
                int r = it % rows;
                int s = j * len * rows + r;
                int d = offset + j * imageStride + r * len;
                if (side instanceof float[] f) {
                    float[] o = (float[]) dst;
                    for (int p = 0; p < len; p++) {
                        o[d + p] = f[s + p * rows];
                    }
                } else {
                    double[] i = (double[]) side;
                    double[] o = (double[]) dst;
                    for (int p = 0; p < len; p++) {
                        o[d + p] = i[s + p * rows];
                    }
                }
            }
        });
    }
}
