package dev.jinn.kernel;

/**
 * The two data movements behind a GEMM convolution, on primitive arrays: {@code im2col} unfolds the receptive
 * fields of an image into the columns of a matrix, {@code col2im} folds such a matrix back, adding overlapping
 * entries. With zero padding,
 * {@code col[(c·KH + i)·KW + j][oh·OW + ow] = x[c][oh·sH − pH + i·dH][ow·sW − pW + j·dW]} (0 outside the image),
 * so that a convolution is {@code W·col} and its adjoint is {@code col2im(Wᵀ·y)}.
 *
 * <p>The image is read (or written) through a start offset and channel, row and column strides, so channel
 * slices and strided views need no copy. The column matrix is addressed by a start offset and a leading
 * dimension (the distance between its rows), so that the matrices of several images can lie side by side in
 * one wider matrix ({@link ColumnBatch}). Both directions cover a range of channels, so that one image can be
 * split over threads. Out-of-image positions are handled per row segment, not per element.
 */
public final class Im2col {
    private Im2col() {
    }

    /**
     * The geometry of one image (or one channel group) under a 2-D convolution.
     *
     * @param channels  image channels C
     * @param height    image height H
     * @param width     image width W
     * @param kernelH   kernel height KH
     * @param kernelW   kernel width KW
     * @param strideH   vertical stride
     * @param strideW   horizontal stride
     * @param padH      zero rows added above and below
     * @param padW      zero columns added left and right
     * @param dilationH vertical spacing of kernel taps
     * @param dilationW horizontal spacing of kernel taps
     * @param outH      output height OH
     * @param outW      output width OW
     */
    public record Geometry(int channels, int height, int width, int kernelH, int kernelW, int strideH, int strideW,
            int padH, int padW, int dilationH, int dilationW, int outH, int outW) {
        /**
         * Rows of the column matrix.
         *
         * @return {@code C·KH·KW}
         */
        public int rows() {
            return channels * kernelH * kernelW;
        }

        /**
         * Columns of the column matrix.
         *
         * @return {@code OH·OW}
         */
        public int cols() {
            return outH * outW;
        }

        /**
         * Whether the column matrix is the image itself (1×1 kernel, stride 1, no padding, same size).
         *
         * @return true for a pointwise convolution
         */
        public boolean pointwise() {
            return kernelH == 1 && kernelW == 1 && strideH == 1 && strideW == 1 && padH == 0 && padW == 0
                    && outH == height && outW == width;
        }

        /** First output column whose tap {@code j} lands inside the image. */
        int firstCol(int j) {
            return firstInside(j * dilationW - padW, strideW, outW);
        }

        /** One past the last output column whose tap {@code j} lands inside the image. */
        int endCol(int j, int first) {
            return endInside(j * dilationW - padW, width, strideW, outW, first);
        }

        /** First output row whose tap {@code i} lands inside the image. */
        int firstRow(int i) {
            return firstInside(i * dilationH - padH, strideH, outH);
        }

        /** One past the last output row whose tap {@code i} lands inside the image. */
        int endRow(int i, int first) {
            return endInside(i * dilationH - padH, height, strideH, outH, first);
        }

        /** First output position {@code o} with {@code o·stride + off >= 0}. */
        private static int firstInside(int off, int stride, int out) {
            return off >= 0 ? 0 : Math.min(out, (-off + stride - 1) / stride);
        }

        /** One past the last output position with {@code o·stride + off < size}, and not before first. */
        private static int endInside(int off, int size, int stride, int out, int first) {
            int end = size - off <= 0 ? 0 : Math.min(out, (size - off + stride - 1) / stride);
            return Math.max(first, end);
        }

        /**
         * Whether the in-image part of a column-matrix row can be copied as one block: a whole output row and
         * the input rows it reads are equally far apart, with unit steps along a row, so that consecutive
         * output rows continue one contiguous run of the input (stride 1 with "same" padding, for instance).
         */
        boolean rowsContinue(int hs, int ws) {
            return strideW * ws == 1 && strideH * hs == outW;
        }
    }

    /**
     * Unfolds channels {@code [c0, c1)} of an image into their rows of a column matrix (double precision).
     *
     * @param g   the geometry
     * @param x   image storage
     * @param xo  offset of element (0, 0, 0)
     * @param cs  channel stride
     * @param hs  row stride
     * @param ws  column stride
     * @param col the column matrix, written
     * @param co  offset of its element (0, 0)
     * @param ld  distance between its rows, at least {@code cols()}
     * @param c0  first channel
     * @param c1  one past the last channel
     */
    public static void im2col(Geometry g, double[] x, int xo, int cs, int hs, int ws, double[] col, int co, int ld,
            int c0, int c1) {
        int outW = g.outW;
        int step = g.strideW * ws;
        boolean block = g.rowsContinue(hs, ws);
        int row = c0 * g.kernelH * g.kernelW;
        for (int c = c0; c < c1; c++) {
            for (int i = 0; i < g.kernelH; i++) {
                int top = g.firstRow(i);
                int bottom = g.endRow(i, top);
                for (int j = 0; j < g.kernelW; j++, row++) {
                    int lo = g.firstCol(j);
                    int hi = g.endCol(j, lo);
                    int dst = co + row * ld;
                    // Source of output (oh, ow): src + oh·strideH·hs + ow·step.
                    int src = xo + c * cs + (i * g.dilationH - g.padH) * hs + (j * g.dilationW - g.padW) * ws;
                    java.util.Arrays.fill(col, dst, dst + top * outW, 0.0);
                    java.util.Arrays.fill(col, dst + bottom * outW, dst + g.outH * outW, 0.0);
                    if (block && lo < hi && top < bottom) {
                        // One copy from the first to the last in-image element; it also fills the out-of-image
                        // margins in between with neighbouring pixels, zeroed below.
                        int first = top * outW + lo;
                        System.arraycopy(x, src + first, col, dst + first, (bottom - 1 - top) * outW + hi - lo);
                    }
                    for (int oh = top; oh < bottom; oh++) {
                        int d = dst + oh * outW;
                        for (int ow = 0; ow < lo; ow++) {
                            col[d + ow] = 0.0;
                        }
                        if (!block) {
                            int s = src + oh * g.strideH * hs;
                            if (step == 1) {
                                System.arraycopy(x, s + lo, col, d + lo, hi - lo);
                            } else {
                                for (int ow = lo; ow < hi; ow++) {
                                    col[d + ow] = x[s + ow * step];
                                }
                            }
                        }
                        for (int ow = hi; ow < outW; ow++) {
                            col[d + ow] = 0.0;
                        }
                    }
                }
            }
        }
    }

    /**
     * Unfolds channels {@code [c0, c1)} of an image into their rows of a column matrix (single precision).
     *
     * @param g   the geometry
     * @param x   image storage
     * @param xo  offset of element (0, 0, 0)
     * @param cs  channel stride
     * @param hs  row stride
     * @param ws  column stride
     * @param col the column matrix, written
     * @param co  offset of its element (0, 0)
     * @param ld  distance between its rows, at least {@code cols()}
     * @param c0  first channel
     * @param c1  one past the last channel
     */
    public static void im2col(Geometry g, float[] x, int xo, int cs, int hs, int ws, float[] col, int co, int ld,
            int c0, int c1) {
        int outW = g.outW;
        int step = g.strideW * ws;
        boolean block = g.rowsContinue(hs, ws);
        int row = c0 * g.kernelH * g.kernelW;
        for (int c = c0; c < c1; c++) {
            for (int i = 0; i < g.kernelH; i++) {
                int top = g.firstRow(i);
                int bottom = g.endRow(i, top);
                for (int j = 0; j < g.kernelW; j++, row++) {
                    int lo = g.firstCol(j);
                    int hi = g.endCol(j, lo);
                    int dst = co + row * ld;
                    // Source of output (oh, ow): src + oh·strideH·hs + ow·step.
                    int src = xo + c * cs + (i * g.dilationH - g.padH) * hs + (j * g.dilationW - g.padW) * ws;
                    java.util.Arrays.fill(col, dst, dst + top * outW, 0f);
                    java.util.Arrays.fill(col, dst + bottom * outW, dst + g.outH * outW, 0f);
                    if (block && lo < hi && top < bottom) {
                        // One copy from the first to the last in-image element; it also fills the out-of-image
                        // margins in between with neighbouring pixels, zeroed below.
                        int first = top * outW + lo;
                        System.arraycopy(x, src + first, col, dst + first, (bottom - 1 - top) * outW + hi - lo);
                    }
                    for (int oh = top; oh < bottom; oh++) {
                        int d = dst + oh * outW;
                        for (int ow = 0; ow < lo; ow++) {
                            col[d + ow] = 0f;
                        }
                        if (!block) {
                            int s = src + oh * g.strideH * hs;
                            if (step == 1) {
                                System.arraycopy(x, s + lo, col, d + lo, hi - lo);
                            } else {
                                for (int ow = lo; ow < hi; ow++) {
                                    col[d + ow] = x[s + ow * step];
                                }
                            }
                        }
                        for (int ow = hi; ow < outW; ow++) {
                            col[d + ow] = 0f;
                        }
                    }
                }
            }
        }
    }

    /**
     * Folds the rows of channels {@code [c0, c1)} of a column matrix back into an image, adding every entry to
     * the pixel it was read from (double precision). Entries that came from the zero padding are dropped.
     *
     * @param g   the geometry
     * @param col the column matrix, read
     * @param co  offset of its element (0, 0)
     * @param ld  distance between its rows, at least {@code cols()}
     * @param x   image storage, added into
     * @param xo  offset of element (0, 0, 0)
     * @param cs  channel stride
     * @param hs  row stride
     * @param ws  column stride
     * @param c0  first channel
     * @param c1  one past the last channel
     */
    public static void col2im(Geometry g, double[] col, int co, int ld, double[] x, int xo, int cs, int hs, int ws,
            int c0, int c1) {
        int outW = g.outW;
        int step = g.strideW * ws;
        int row = c0 * g.kernelH * g.kernelW;
        for (int c = c0; c < c1; c++) {
            for (int i = 0; i < g.kernelH; i++) {
                int hOff = i * g.dilationH - g.padH;
                for (int j = 0; j < g.kernelW; j++, row++) {
                    int wOff = j * g.dilationW - g.padW;
                    int lo = g.firstCol(j);
                    int hi = g.endCol(j, lo);
                    for (int oh = 0; oh < g.outH; oh++) {
                        int ih = oh * g.strideH + hOff;
                        if (ih < 0 || ih >= g.height) {
                            continue;
                        }
                        int src = co + row * ld + oh * outW;
                        int dst = xo + c * cs + ih * hs + wOff * ws;
                        if (step == 1) {
                            // Unit stride: a loop the JIT can vectorise.
                            for (int ow = lo; ow < hi; ow++) {
                                x[dst + ow] += col[src + ow];
                            }
                        } else {
                            for (int ow = lo; ow < hi; ow++) {
                                x[dst + ow * step] += col[src + ow];
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * Folds the rows of channels {@code [c0, c1)} of a column matrix back into an image, adding every entry to
     * the pixel it was read from (single precision). Entries that came from the zero padding are dropped.
     *
     * @param g   the geometry
     * @param col the column matrix, read
     * @param co  offset of its element (0, 0)
     * @param ld  distance between its rows, at least {@code cols()}
     * @param x   image storage, added into
     * @param xo  offset of element (0, 0, 0)
     * @param cs  channel stride
     * @param hs  row stride
     * @param ws  column stride
     * @param c0  first channel
     * @param c1  one past the last channel
     */
    public static void col2im(Geometry g, float[] col, int co, int ld, float[] x, int xo, int cs, int hs, int ws,
            int c0, int c1) {
        int outW = g.outW;
        int step = g.strideW * ws;
        int row = c0 * g.kernelH * g.kernelW;
        for (int c = c0; c < c1; c++) {
            for (int i = 0; i < g.kernelH; i++) {
                int hOff = i * g.dilationH - g.padH;
                for (int j = 0; j < g.kernelW; j++, row++) {
                    int wOff = j * g.dilationW - g.padW;
                    int lo = g.firstCol(j);
                    int hi = g.endCol(j, lo);
                    for (int oh = 0; oh < g.outH; oh++) {
                        int ih = oh * g.strideH + hOff;
                        if (ih < 0 || ih >= g.height) {
                            continue;
                        }
                        int src = co + row * ld + oh * outW;
                        int dst = xo + c * cs + ih * hs + wOff * ws;
                        if (step == 1) {
                            // Unit stride: a loop the JIT can vectorise.
                            for (int ow = lo; ow < hi; ow++) {
                                x[dst + ow] += col[src + ow];
                            }
                        } else {
                            for (int ow = lo; ow < hi; ow++) {
                                x[dst + ow * step] += col[src + ow];
                            }
                        }
                    }
                }
            }
        }
    }
}
