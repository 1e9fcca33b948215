package dev.jinn.kernel;

/**
 * The two data movements behind a GEMM convolution, on primitive arrays: {@code im2col} unfolds the receptive
 * fields of one image into the columns of a matrix, {@code col2im} folds such a matrix back, adding overlapping
 * entries. With zero padding,
 * {@code col[(c·KH + i)·KW + j][oh·OW + ow] = x[c][oh·sH − pH + i·dH][ow·sW − pW + j·dW]} (0 outside the image),
 * so that a convolution is {@code W·col} and its adjoint is {@code col2im(Wᵀ·y)}.
 *
 * <p>The image is read (or written) through a start offset and channel, row and column strides, so
 * channel slices and strided views need no copy. The column matrix is a contiguous
 * {@code (C·KH·KW) × (OH·OW)} block. Out-of-image positions are handled per row segment, not per element.
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
            int off = j * dilationW - padW;
            return off >= 0 ? 0 : Math.min(outW, (-off + strideW - 1) / strideW);
        }

        /** One past the last output column whose tap {@code j} lands inside the image. */
        int endCol(int j, int first) {
            int off = j * dilationW - padW;
            int end = width - off <= 0 ? 0 : Math.min(outW, (width - off + strideW - 1) / strideW);
            return Math.max(first, end);
        }
    }

    /**
     * Unfolds an image into a column matrix (double precision).
     *
     * @param g   the geometry
     * @param x   image storage
     * @param xo  offset of element (0, 0, 0)
     * @param cs  channel stride
     * @param hs  row stride
     * @param ws  column stride
     * @param col the {@code rows() × cols()} output, written from index 0
     */
    public static void im2col(Geometry g, double[] x, int xo, int cs, int hs, int ws, double[] col) {
        int outW = g.outW;
        int cols = g.cols();
        int row = 0;
        for (int c = 0; c < g.channels; c++) {
            for (int i = 0; i < g.kernelH; i++) {
                int hOff = i * g.dilationH - g.padH;
                for (int j = 0; j < g.kernelW; j++, row++) {
                    int wOff = j * g.dilationW - g.padW;
                    int lo = g.firstCol(j);
                    int hi = g.endCol(j, lo);
                    for (int oh = 0; oh < g.outH; oh++) {
                        int dst = row * cols + oh * outW;
                        int ih = oh * g.strideH + hOff;
                        if (ih < 0 || ih >= g.height) {
                            java.util.Arrays.fill(col, dst, dst + outW, 0.0);
                            continue;
                        }
                        for (int ow = 0; ow < lo; ow++) {
                            col[dst + ow] = 0.0;
                        }
                        int src = xo + c * cs + ih * hs + wOff * ws;
                        int step = g.strideW * ws;
                        if (step == 1) {
                            // The common unit-stride row: a block copy instead of an indexed loop.
                            System.arraycopy(x, src + lo, col, dst + lo, hi - lo);
                        } else {
                            for (int ow = lo; ow < hi; ow++) {
                                col[dst + ow] = x[src + ow * step];
                            }
                        }
                        for (int ow = hi; ow < outW; ow++) {
                            col[dst + ow] = 0.0;
                        }
                    }
                }
            }
        }
    }

    /**
     * Unfolds an image into a column matrix (single precision).
     *
     * @param g   the geometry
     * @param x   image storage
     * @param xo  offset of element (0, 0, 0)
     * @param cs  channel stride
     * @param hs  row stride
     * @param ws  column stride
     * @param col the {@code rows() × cols()} output, written from index 0
     */
    public static void im2col(Geometry g, float[] x, int xo, int cs, int hs, int ws, float[] col) {
        int outW = g.outW;
        int cols = g.cols();
        int row = 0;
        for (int c = 0; c < g.channels; c++) {
            for (int i = 0; i < g.kernelH; i++) {
                int hOff = i * g.dilationH - g.padH;
                for (int j = 0; j < g.kernelW; j++, row++) {
                    int wOff = j * g.dilationW - g.padW;
                    int lo = g.firstCol(j);
                    int hi = g.endCol(j, lo);
                    for (int oh = 0; oh < g.outH; oh++) {
                        int dst = row * cols + oh * outW;
                        int ih = oh * g.strideH + hOff;
                        if (ih < 0 || ih >= g.height) {
                            java.util.Arrays.fill(col, dst, dst + outW, 0f);
                            continue;
                        }
                        for (int ow = 0; ow < lo; ow++) {
                            col[dst + ow] = 0f;
                        }
                        int src = xo + c * cs + ih * hs + wOff * ws;
                        int step = g.strideW * ws;
                        if (step == 1) {
                            // The common unit-stride row: a block copy instead of an indexed loop.
                            System.arraycopy(x, src + lo, col, dst + lo, hi - lo);
                        } else {
                            for (int ow = lo; ow < hi; ow++) {
                                col[dst + ow] = x[src + ow * step];
                            }
                        }
                        for (int ow = hi; ow < outW; ow++) {
                            col[dst + ow] = 0f;
                        }
                    }
                }
            }
        }
    }

    /**
     * Folds a column matrix back into an image, adding every entry to the pixel it was read from (double
     * precision). Entries that came from the zero padding are dropped.
     *
     * @param g   the geometry
     * @param col the {@code rows() × cols()} input, read from index 0
     * @param x   image storage, added into
     * @param xo  offset of element (0, 0, 0)
     * @param cs  channel stride
     * @param hs  row stride
     * @param ws  column stride
     */
    public static void col2im(Geometry g, double[] col, double[] x, int xo, int cs, int hs, int ws) {
        int outW = g.outW;
        int cols = g.cols();
        int row = 0;
        for (int c = 0; c < g.channels; c++) {
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
                        int src = row * cols + oh * outW;
                        int dst = xo + c * cs + ih * hs + wOff * ws;
                        int step = g.strideW * ws;
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
     * Folds a column matrix back into an image, adding every entry to the pixel it was read from (single
     * precision). Entries that came from the zero padding are dropped.
     *
     * @param g   the geometry
     * @param col the {@code rows() × cols()} input, read from index 0
     * @param x   image storage, added into
     * @param xo  offset of element (0, 0, 0)
     * @param cs  channel stride
     * @param hs  row stride
     * @param ws  column stride
     */
    public static void col2im(Geometry g, float[] col, float[] x, int xo, int cs, int hs, int ws) {
        int outW = g.outW;
        int cols = g.cols();
        int row = 0;
        for (int c = 0; c < g.channels; c++) {
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
                        int src = row * cols + oh * outW;
                        int dst = xo + c * cs + ih * hs + wOff * ws;
                        int step = g.strideW * ws;
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
