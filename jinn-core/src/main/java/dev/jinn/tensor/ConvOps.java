package dev.jinn.tensor;

import dev.jinn.check.Require;
import dev.jinn.kernel.ColumnBatch;
import dev.jinn.kernel.DirectConv;
import dev.jinn.kernel.Gemm;
import dev.jinn.kernel.Im2col;
import dev.jinn.kernel.NativeFloats;
import dev.jinn.kernel.Scratch;
import java.util.Arrays;

/**
 * Convolutions, transposed convolutions and pixel (un)shuffles, with their backward rules.
 *
 * <p>Every convolution is a 2-D one underneath (the 1-D ops add a unit height). One geometry defines three
 * linear maps, all computed with im2col/col2im and GEMM, one product per chunk of images and channel group
 * (see the kernels below):
 * <ul>
 *   <li>{@code C(x, w)}: the convolution, {@code x [N, Cin, H, W] → [N, Cout, OH, OW]};
 *   <li>{@code T(y, w)}: its adjoint in {@code x}, the transposed convolution {@code [N, Cout, OH, OW] →
 *       [N, Cin, H, W]};
 *   <li>{@code W(x, y)}: its adjoint in {@code w}, {@code → [Cout, Cin/groups, KH, KW]}.
 * </ul>
 * They are the three partial derivatives of the trilinear form
 * {@code B(x, w, y) = ⟨C(x, w), y⟩ = ⟨x, T(y, w)⟩ = ⟨w, W(x, y)⟩}, so each map's backward rule is made of the
 * other two (as PyTorch does), and gradients of any order stay within this closed set of recorded ops.
 */
final class ConvOps {
    private ConvOps() {
    }

    /**
     * A convolution geometry seen from the forward convolution {@code C}: input {@code [N, cin, H, W]},
     * weight {@code [cout, cin/groups, KH, KW]}, output {@code [N, cout, OH, OW]}; {@code group} describes the
     * im2col of one channel group.
     */
    record Geom(int cin, int cout, int groups, Im2col.Geometry group) {
        int[] inShape(int n) {
            return new int[] {n, cin, group.height(), group.width()};
        }

        int[] outShape(int n) {
            return new int[] {n, cout, group.outH(), group.outW()};
        }

        int[] weightShape() {
            return new int[] {cout, cin / groups, group.kernelH(), group.kernelW()};
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Public entry points: validation, lifting 1-D and unbatched inputs to 4-D, bias

    static Tensor conv(String op, int nd, Tensor input, Tensor weight, Tensor bias, int[] stride, int[] padding,
            int[] dilation, int groups) {
        Geom geo = convGeometry(op, nd, input, weight, bias, stride, padding, dilation, groups);
        return finish(nd, input, bias, conv(geo, toBatched4d(nd, input), toWeight4d(nd, weight)));
    }

    /**
     * Validates a convolution's operands and options, naming {@code op} and the values at fault, and returns
     * its geometry.
     */
    static Geom convGeometry(String op, int nd, Tensor input, Tensor weight, Tensor bias, int[] stride,
            int[] padding, int[] dilation, int groups) {
        checkTensors(op, nd, input, weight, bias, "[out_channels, in_channels/groups, " + kernelDims(nd) + "]");
        checkValues(op, "stride", stride, nd, 1);
        checkValues(op, "padding", padding, nd, 0);
        checkValues(op, "dilation", dilation, nd, 1);
        checkGroups(op, groups);
        int cin = input.shape[input.shape.length - nd - 1];
        int cout = weight.shape[0];
        if (cout % groups != 0) {
            throw new IllegalArgumentException(op + ": weight " + Shapes.str(weight.shape) + " has " + cout
                    + " output channels, not divisible by groups=" + groups);
        }
        if ((long) weight.shape[1] * groups != cin) {
            throw new IllegalArgumentException(op + ": input " + Shapes.str(input.shape) + " has " + cin
                    + " channels but weight " + Shapes.str(weight.shape) + " with groups=" + groups + " expects "
                    + (long) weight.shape[1] * groups);
        }
        checkBias(op, bias, cout);
        int[] in = spatial(input, nd);
        int[] k = spatial(weight, nd);
        int[] span = new int[nd];
        int[] padded = new int[nd];
        int[] out = new int[nd];
        boolean fits = true;
        for (int d = 0; d < nd; d++) {
            span[d] = dilation[d] * (k[d] - 1) + 1;
            padded[d] = in[d] + 2 * padding[d];
            out[d] = span[d] <= padded[d] ? (padded[d] - span[d]) / stride[d] + 1 : 0;
            fits &= span[d] <= padded[d];
        }
        if (!fits) {
            throw new IllegalArgumentException(op + ": kernel " + tuple(k) + " with dilation " + tuple(dilation)
                    + " spans " + tuple(span) + ", more than the padded input " + tuple(padded) + " (input "
                    + Shapes.str(input.shape) + ", weight " + Shapes.str(weight.shape) + ", padding " + tuple(padding)
                    + ")");
        }
        return geometry(cin, cout, groups, lift(in, 1), lift(k, 1), lift(stride, 1), lift(padding, 0),
                lift(dilation, 1), lift(out, 1));
    }

    static Tensor convTranspose(String op, int nd, Tensor input, Tensor weight, Tensor bias, int[] stride,
            int[] padding, int[] outputPadding, int groups, int[] dilation) {
        checkTensors(op, nd, input, weight, bias, "[in_channels, out_channels/groups, " + kernelDims(nd) + "]");
        checkValues(op, "stride", stride, nd, 1);
        checkValues(op, "padding", padding, nd, 0);
        checkValues(op, "output padding", outputPadding, nd, 0);
        checkValues(op, "dilation", dilation, nd, 1);
        checkGroups(op, groups);
        int cin = input.shape[input.shape.length - nd - 1];
        if (weight.shape[0] != cin) {
            throw new IllegalArgumentException(op + ": input " + Shapes.str(input.shape) + " has " + cin
                    + " channels but weight " + Shapes.str(weight.shape) + " expects " + weight.shape[0]
                    + " (weight dim 0 is in_channels)");
        }
        if (cin % groups != 0) {
            throw new IllegalArgumentException(op + ": weight " + Shapes.str(weight.shape) + " has " + cin
                    + " input channels, not divisible by groups=" + groups);
        }
        int cout = weight.shape[1] * groups;
        checkBias(op, bias, cout);
        int[] in = spatial(input, nd);
        int[] k = spatial(weight, nd);
        int[] out = new int[nd];
        boolean positive = true;
        for (int d = 0; d < nd; d++) {
            if (outputPadding[d] >= Math.max(stride[d], dilation[d])) {
                throw new IllegalArgumentException(op + ": output padding " + tuple(outputPadding)
                        + " must be smaller than either stride " + tuple(stride) + " or dilation " + tuple(dilation)
                        + " in every dim");
            }
            out[d] = (in[d] - 1) * stride[d] - 2 * padding[d] + dilation[d] * (k[d] - 1) + outputPadding[d] + 1;
            positive &= out[d] > 0;
        }
        if (!positive) {
            throw new IllegalArgumentException(op + ": output size " + tuple(out) + " is not positive (input "
                    + Shapes.str(input.shape) + ", weight " + Shapes.str(weight.shape) + ", stride " + tuple(stride)
                    + ", padding " + tuple(padding) + ", output padding " + tuple(outputPadding) + ", dilation "
                    + tuple(dilation) + ")");
        }
        // Seen from the convolution it transposes: that conv maps the output [N, cout, out] to the input
        // [N, cin, in], and its weight layout [cin, cout/groups, k] is exactly this weight's.
        Geom geo = geometry(cout, cin, groups, lift(out, 1), lift(k, 1), lift(stride, 1), lift(padding, 0),
                lift(dilation, 1), lift(in, 1));
        return finish(nd, input, bias, transpose(geo, toBatched4d(nd, input), toWeight4d(nd, weight)));
    }

    private static Geom geometry(int cin, int cout, int groups, int[] in, int[] k, int[] stride, int[] pad,
            int[] dil, int[] out) {
        return new Geom(cin, cout, groups, new Im2col.Geometry(cin / groups, in[0], in[1], k[0], k[1], stride[0],
                stride[1], pad[0], pad[1], dil[0], dil[1], out[0], out[1]));
    }

    private static void checkTensors(String op, int nd, Tensor input, Tensor weight, Tensor bias, String layout) {
        if (input.shape.length != nd + 1 && input.shape.length != nd + 2) {
            throw new IllegalArgumentException(op + ": expected input with " + (nd + 1) + " (unbatched) or "
                    + (nd + 2) + " (batched) dims, got shape " + Shapes.str(input.shape));
        }
        if (weight.shape.length != nd + 2) {
            throw new IllegalArgumentException(op + ": expected weight with " + (nd + 2) + " dims " + layout
                    + ", got shape " + Shapes.str(weight.shape));
        }
        if (!input.dtype.isFloatingPoint()) {
            throw new IllegalArgumentException(op + ": expected a floating-point input, got " + input.dtype);
        }
        if (weight.dtype != input.dtype || (bias != null && bias.dtype != input.dtype)) {
            throw new IllegalArgumentException(op + ": input, weight and bias must have one dtype, got input "
                    + input.dtype + ", weight " + weight.dtype + (bias == null ? "" : ", bias " + bias.dtype));
        }
        for (int d = 0; d < nd; d++) {
            if (weight.shape[2 + d] == 0) {
                throw new IllegalArgumentException(op + ": weight " + Shapes.str(weight.shape)
                        + " has an empty kernel");
            }
        }
    }

    private static void checkValues(String op, String what, int[] values, int nd, int min) {
        boolean ok = values != null && values.length == nd;
        for (int i = 0; ok && i < nd; i++) {
            ok = values[i] >= min;
        }
        if (!ok) {
            throw new IllegalArgumentException(op + ": " + what + " must hold " + nd + (nd == 1 ? " value" : " values")
                    + (min == 0 ? " >= 0" : " >= 1") + ", got " + (values == null ? "null" : Arrays.toString(values)));
        }
    }

    private static void checkGroups(String op, int groups) {
        Require.positive(groups, op + ": groups");
    }

    private static void checkBias(String op, Tensor bias, int cout) {
        if (bias != null && (bias.shape.length != 1 || bias.shape[0] != cout)) {
            throw new IllegalArgumentException(op + ": bias must have shape [" + cout
                    + "] (one value per output channel), got " + Shapes.str(bias.shape));
        }
    }

    private static String kernelDims(int nd) {
        return nd == 1 ? "kernel_size" : "kernel_h, kernel_w";
    }

    private static int[] spatial(Tensor t, int nd) {
        return Arrays.copyOfRange(t.shape, t.shape.length - nd, t.shape.length);
    }

    /** A 1-D size array as (fill, v); a 2-D one unchanged. */
    private static int[] lift(int[] v, int fill) {
        return v.length == 2 ? v : new int[] {fill, v[0]};
    }

    /** {@code (a, b)} as in PyTorch's reprs; {@code (a)} for one value. */
    static String tuple(int... v) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < v.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(v[i]);
        }
        return sb.append(')').toString();
    }

    private static Tensor toBatched4d(int nd, Tensor input) {
        Tensor x = input.shape.length == nd + 1 ? input.unsqueeze(0) : input;
        return nd == 1 ? x.unsqueeze(2) : x;
    }

    private static Tensor toWeight4d(int nd, Tensor weight) {
        return nd == 1 ? weight.unsqueeze(2) : weight;
    }

    /** Adds the bias and drops the dims that {@link #toBatched4d} added. */
    private static Tensor finish(int nd, Tensor input, Tensor bias, Tensor out) {
        Tensor y = bias == null ? out : out.add(bias.reshape(1, bias.shape[0], 1, 1));
        if (nd == 1) {
            y = y.squeeze(2);
        }
        return input.shape.length == nd + 1 ? y.squeeze(0) : y;
    }

    // ------------------------------------------------------------------------------------------------
    // The three recorded maps; each backward is made of the other two

    /** {@code C(x, w)}: x {@code [N, cin, H, W]}, w {@code [cout, cin/groups, KH, KW]}. */
    static Tensor conv(Geom geo, Tensor x, Tensor w) {
        Tensor wt = like(w, x);
        Tensor out = convKernel(geo, x, wt, null);
        return Tensor.record("ConvolutionBackward", out, (g, node) -> new Tensor[] {
            node.needs(0) ? transpose(geo, g, wt) : null,
            node.needs(1) ? weightGrad(geo, x, g) : null}, x, wt);
    }

    /** {@code T(y, w)}: y {@code [N, cout, OH, OW]} → {@code [N, cin, H, W]}. */
    static Tensor transpose(Geom geo, Tensor y, Tensor w) {
        Tensor wt = like(w, y);
        Tensor out = transposeKernel(geo, y, wt, null);
        return Tensor.record("ConvolutionTransposeBackward", out, (g, node) -> new Tensor[] {
            node.needs(0) ? conv(geo, g, wt) : null,
            node.needs(1) ? weightGrad(geo, g, y) : null}, y, wt);
    }

    /** {@code W(x, y)}: x {@code [N, cin, H, W]}, y {@code [N, cout, OH, OW]} → the weight's shape. */
    static Tensor weightGrad(Geom geo, Tensor x, Tensor y) {
        Tensor yt = like(y, x);
        Tensor out = weightKernel(geo, x, yt);
        return Tensor.record("ConvolutionWeightBackward", out, (g, node) -> new Tensor[] {
            node.needs(0) ? transpose(geo, yt, g) : null,
            node.needs(1) ? conv(geo, x, g) : null}, x, yt);
    }

    private static Tensor like(Tensor t, Tensor model) {
        return t.dtype == model.dtype ? t : t.to(model.dtype);
    }

    // ------------------------------------------------------------------------------------------------
    // Kernels (no autograd)
    //
    // Each kernel runs one GEMM per chunk of images and channel group: the chunk's column matrices (or output
    // gradients) lie side by side, so that a batch costs a few large products instead of one small product per
    // image, whose fixed cost (a native call and copies) dominated small convolutions.

    /**
     * Default for {@link #columnBudget}: 1M elements (4 MB in float32). Measured on 16-image i-ResNet and FrEIA
     * convolutions, 256K to 4M elements run equally fast (a product of a few hundred thousand columns no longer
     * pays a visible per-call cost), so the smallest of those keeps the per-thread scratch small.
     */
    private static final long DEFAULT_COLUMN_BUDGET = 1L << 20;
    /** Elements that one chunk's side-by-side scratch matrix may hold. */
    private static volatile long columnBudget = DEFAULT_COLUMN_BUDGET;

    /** Sets the scratch budget (tests use a small one to split batches into several chunks); at least 1. */
    static void setColumnBudget(long elements) {
        columnBudget = Math.max(1, elements);
    }

    /** The scratch budget in elements. */
    static long columnBudget() {
        return columnBudget;
    }

    /**
     * Multiply-adds from which one product needs no more images: about 0.4 ms of native GEMM here, next to which
     * a call's fixed cost (waking BLAS threads, copying operands) is small. Batching larger products only adds
     * the gather and scatter copies of their output side (measured on a 16→256-channel 32×32 convolution).
     */
    private static final long GEMM_WORK = 1L << 23;

    /**
     * Images per GEMM for {@code n} images of {@code work} multiply-adds each: enough to reach
     * {@link #GEMM_WORK}, as many as fit {@code height × (images·cols)} scratch matrices in the budget, at least
     * 1, and evened out so that the last chunk is not much smaller than the others.
     */
    private static int imagesPerGemm(int n, int height, int cols, long work) {
        long byBudget = columnBudget / ((long) Math.max(1, height) * Math.max(1, cols));
        long byWork = (GEMM_WORK + Math.max(1, work) - 1) / Math.max(1, work);
        int chunk = (int) Math.max(1, Math.min(n, Math.min(byBudget, byWork)));
        int chunks = (n + chunk - 1) / chunk;
        return Math.max(1, (n + chunks - 1) / Math.max(1, chunks));
    }

    /**
     * Images per GEMM for the three products of a geometry, which all do the forward's multiply-adds. Batching
     * gathers or scatters {@code og × cols} per image (the outputs, or the gradients read back), on top of the
     * {@code rows × cols} column matrix; where that side is the larger one (3→256 or 12→256 channels, say), the
     * copies cost more than the calls they save (measured), so each image keeps its own product.
     */
    static int imagesPerGemm(Geom geo, int n) {
        Im2col.Geometry g = geo.group;
        int og = geo.cout / geo.groups;
        if (og > g.rows()) {
            return 1;
        }
        return imagesPerGemm(n, g.rows(), g.cols(), (long) og * g.rows() * g.cols());
    }

    /**
     * Output channels up to which a native product is computed transposed: OpenBLAS runs row-major products
     * with few rows poorly (see {@code OpenBlasGemm}), and transposing here lets the scatter into the output
     * layout undo it, instead of a second pass over the product.
     */
    private static final int FEW_OUTPUTS = 16;

    /** Whether the {@code og × width} product of {@code depth}-long sums is better computed transposed. */
    private static boolean fewOutputs(int og, int width, int depth) {
        return og <= FEW_OUTPUTS && width > og && Gemm.takesTransposedOperands(width, og, depth);
    }

    /** A matrix operand: storage and the offset of its first element (the leading dimension is implied). */
    private record Block(Object data, int offset) {
    }

    private static Tensor dense(Tensor t) {
        return t.contiguous ? t : Elementwise.copy(t, t.dtype);
    }

    /** The layout of a 4-D tensor's images, as {@link ColumnBatch} reads them. */
    private static ColumnBatch.Images images(Tensor t) {
        return new ColumnBatch.Images(t.data(), t.offset, t.strides[0], t.strides[1], t.strides[2], t.strides[3]);
    }

    /**
     * The side-by-side column matrices of images {@code [b0, b0+count)}, channel group {@code k}: the images
     * themselves for one dense image of a pointwise convolution, else unfolded into scratch. When the product
     * that reads them runs on the native BLAS ({@code nativeProduct}) float32 columns go straight into native
     * memory, which that product reads without copying.
     */
    private static Block columns(Geom geo, Tensor x, int b0, int count, int k, Scratch scratch,
            boolean nativeProduct) {
        Im2col.Geometry g = geo.group;
        if (count == 1 && g.pointwise() && x.contiguous) {
            return new Block(x.data(), x.offset + (b0 * geo.cin + k * g.channels()) * g.cols());
        }
        ColumnBatch.Images first = images(x).shift(b0 * x.strides[0] + k * g.channels() * x.strides[1]);
        int size = g.rows() * count * g.cols();
        NativeFloats offHeap = nativeProduct && x.dtype == DType.FLOAT32 ? scratch.nativeColumns(size) : null;
        if (offHeap != null) {
            ColumnBatch.im2col(g, first, count, offHeap);
            return new Block(offHeap, 0);
        }
        Object col = scratch.array(Scratch.Slot.COLUMNS, x.dtype == DType.FLOAT32, size);
        ColumnBatch.im2col(g, first, count, col);
        return new Block(col, 0);
    }

    /**
     * The {@code rows × (count·len)} side-by-side matrix of rows {@code [r0, r0+rows)} of images
     * {@code [b0, b0+count)} of a dense {@code [N, R, len]} tensor: the tensor itself for one image, else
     * gathered into scratch.
     */
    private static Block sideBySide(Tensor t, int b0, int count, int r0, int rows, int len, Scratch scratch) {
        int imageStride = t.shape[1] * len;
        int offset = t.offset + b0 * imageStride + r0 * len;
        if (count == 1) {
            return new Block(t.data(), offset);
        }
        Object side = scratch.array(Scratch.Slot.SIDE, t.dtype == DType.FLOAT32, rows * count * len);
        ColumnBatch.gather(t.data(), offset, imageStride, rows, len, count, side);
        return new Block(side, 0);
    }

    /**
     * {@code C(x, w)} without recording, into {@code out} (a dense {@code [N, cout, OH, OW]} tensor whose every
     * element is written; its old contents do not matter) or, when null, into a new tensor.
     */
    static Tensor convKernel(Geom geo, Tensor x, Tensor w, Tensor into) {
        Im2col.Geometry g = geo.group;
        int n = x.shape[0];
        Tensor wd = dense(w);
        // Both paths write every output element (the direct sums, or each group's product block per image chunk).
        Tensor out = into != null ? into : Tensor.uninitialized(x.dtype, geo.outShape(n));
        if (runsDirect(geo, x)) {
            DirectConv.forward(g, n, geo.cout, (float[]) x.data(), x.offset, x.strides[0], x.strides[1], x.strides[2],
                    x.strides[3], (float[]) wd.data(), wd.offset, (float[]) out.data(), out.offset);
            return out;
        }
        int chunk = imagesPerGemm(geo, n);
        try (Scratch scratch = Scratch.take()) {
            for (int b0 = 0; b0 < n; b0 += chunk) {
                int count = Math.min(chunk, n - b0);
                boolean nativeProduct = multiplyRunsNative(geo, count * g.cols());
                for (int k = 0; k < geo.groups; k++) {
                    Block src = columns(geo, x, b0, count, k, scratch, nativeProduct);
                    multiplyInto(geo, wd, k, src, b0, count, out, scratch);
                }
            }
        }
        return out;
    }

    /**
     * Whether a float32 convolution (or its weight gradient) runs as {@link DirectConv}: few output channels from
     * many input values per output, where im2col's copy of every value per tap would cost more than the products.
     */
    private static boolean runsDirect(Geom geo, Tensor x) {
        return x.dtype == DType.FLOAT32 && DirectConv.pays(geo.group, geo.cout, geo.groups);
    }

    /** Whether {@link #multiplyInto}'s product over {@code width} columns runs on the native BLAS, either way round. */
    private static boolean multiplyRunsNative(Geom geo, int width) {
        int og = geo.cout / geo.groups;
        int rows = geo.group.rows();
        return fewOutputs(og, width, rows) || Gemm.takesTransposedOperands(og, width, rows);
    }

    /**
     * Writes {@code W_k · col} for images {@code [b0, b0+count)} into their output channels of group {@code k}
     * (rows {@code k·og ..} of each {@code [cout, cols]} image of {@code out}).
     */
    private static void multiplyInto(Geom geo, Tensor wd, int k, Block col, int b0, int count, Tensor out,
            Scratch scratch) {
        Im2col.Geometry g = geo.group;
        int og = geo.cout / geo.groups;
        int rows = g.rows();
        int cols = g.cols();
        int width = count * cols;
        boolean single = out.dtype == DType.FLOAT32;
        int oo = (b0 * geo.cout + k * og) * cols;
        int wo = wd.offset + k * og * rows;
        if (fewOutputs(og, width, rows)) {
            // colᵀ (width × rows) · W_kᵀ (rows × og): the orientation BLAS runs fast for few output channels;
            // the per-image scatter transposes it back in the same pass.
            Object product = scratch.array(Scratch.Slot.SIDE, single, width * og);
            LinalgOps.gemm(single, width, og, rows, col.data(), col.offset, 1, width, wd.data(), wo, 1, rows, product, 0);
            ColumnBatch.scatterTransposed(product, og, cols, count, out.data(), oo, geo.cout * cols);
        } else if (count == 1) {
            // W_k (og × rows) · col (rows × cols) is already the image's output block.
            LinalgOps.gemm(single, og, width, rows, wd.data(), wo, rows, 1, col.data(), col.offset, width, 1, out.data(), oo);
        } else {
            Object product = scratch.array(Scratch.Slot.SIDE, single, og * width);
            LinalgOps.gemm(single, og, width, rows, wd.data(), wo, rows, 1, col.data(), col.offset, width, 1, product, 0);
            ColumnBatch.scatter(product, og, cols, count, out.data(), oo, geo.cout * cols);
        }
    }

    /**
     * {@code T(y, w)} without recording, into {@code out} (a dense {@code [N, cin, H, W]} tensor, old contents
     * irrelevant) or, when null, into a new tensor.
     */
    static Tensor transposeKernel(Geom geo, Tensor y, Tensor w, Tensor into) {
        Geom direct = transposeRunsAsConvolution(geo, y.dtype);
        if (direct != null) {
            return convKernel(direct, y, flippedKernel(geo, w), into);
        }
        Im2col.Geometry g = geo.group;
        int n = y.shape[0];
        int og = geo.cout / geo.groups;
        int rows = g.rows();
        int cols = g.cols();
        int plane = g.height() * g.width();
        boolean single = y.dtype == DType.FLOAT32;
        Tensor wd = dense(w);
        Tensor yd = dense(y);
        Tensor out = into != null ? into : Tensor.empty(y.dtype, geo.inShape(n));
        if (into != null) {
            // col2im adds into the output: a recycled one starts from zero like a fresh one.
            out.fill(0.0);
        }
        int chunk = imagesPerGemm(geo, n);
        ColumnBatch.Images image0 = new ColumnBatch.Images(out.data(), 0, geo.cin * plane, plane, g.width(), 1);
        try (Scratch scratch = Scratch.take()) {
            for (int b0 = 0; b0 < n; b0 += chunk) {
                int count = Math.min(chunk, n - b0);
                int width = count * cols;
                Object col = scratch.array(Scratch.Slot.COLUMNS, single, rows * width);
                for (int k = 0; k < geo.groups; k++) {
                    Block src = sideBySide(yd, b0, count, k * og, og, cols, scratch);
                    // col = W_kᵀ · y: W_k is og × rows, read transposed. The fresh output is zero, so col2im's
                    // adding is writing, and the images of a chunk are disjoint.
                    LinalgOps.gemm(single, rows, width, og, wd.data(), wd.offset + k * og * rows, 1, rows, src.data(),
                            src.offset, width, 1, col, 0);
                    ColumnBatch.col2im(g, col, count, image0.shift((b0 * geo.cin + k * g.channels()) * plane));
                }
            }
        }
        return out;
    }

    /**
     * The transposed convolution {@code T} of a stride-1 geometry as a direct convolution of {@code y}, or null
     * where that does not apply or costs more. With stride 1,
     * {@code T(y)[c][h] = Σ y[o][h + p − i·d]·w[o][c][i]}; substituting {@code i' = K−1−i} makes it a convolution
     * with the flipped, in/out-swapped kernel, padding {@code p' = d·(K−1) − p} and the same dilation. Its column
     * matrix has {@code og·K²} rows of {@code H·W} instead of {@code cin/groups·K²} rows of {@code OH·OW}, and
     * it needs no col2im scatter-add. An output padding makes {@code H} larger than the convolution formula
     * gives; the extra rows read past the end of {@code y} and im2col fills them with zeros, which is exactly
     * the missing far-side padding.
     */
    static Geom directTransposeGeometry(Geom geo) {
        Im2col.Geometry g = geo.group;
        // Equal sizes favour the direct form: im2col copies rows where col2im adds them element by element.
        if ((long) (geo.cout / geo.groups) * g.height() * g.width() > (long) g.channels() * g.cols()) {
            return null;
        }
        return transposeAsConvolution(geo);
    }

    /**
     * The convolution that computes the stride-1 transposed convolution {@code T} of {@code geo} (see
     * {@link #directTransposeGeometry}), whatever it costs, or null where it does not apply.
     */
    private static Geom transposeAsConvolution(Geom geo) {
        Im2col.Geometry g = geo.group;
        int padH = g.dilationH() * (g.kernelH() - 1) - g.padH();
        int padW = g.dilationW() * (g.kernelW() - 1) - g.padW();
        if (g.strideH() != 1 || g.strideW() != 1 || padH < 0 || padW < 0) {
            return null;
        }
        int og = geo.cout / geo.groups;
        return new Geom(geo.cout, geo.cin, geo.groups, new Im2col.Geometry(og, g.outH(), g.outW(), g.kernelH(),
                g.kernelW(), 1, 1, padH, padW, g.dilationH(), g.dilationW(), g.height(), g.width()));
    }

    /**
     * The direct form for {@link #transposeKernel}: {@link #directTransposeGeometry}'s choice, or, for float32,
     * any stride-1 transposed convolution whose direct convolution {@link DirectConv} computes without column
     * matrices (there the more-output-than-input case costs no im2col copy either).
     */
    private static Geom transposeRunsAsConvolution(Geom geo, DType dtype) {
        Geom direct = directTransposeGeometry(geo);
        if (direct != null || dtype != DType.FLOAT32) {
            return direct;
        }
        Geom conv = transposeAsConvolution(geo);
        return conv != null && DirectConv.pays(conv.group, conv.cout, conv.groups) ? conv : null;
    }

    /**
     * The kernel of {@link #directTransposeGeometry}: {@code w [cout, cin/groups, KH, KW]} as
     * {@code [cin, cout/groups, KH, KW]}, in/out channels swapped within each group and both spatial dims
     * reversed. A small copy next to the convolution.
     */
    private static Tensor flippedKernel(Geom geo, Tensor w) {
        Im2col.Geometry g = geo.group;
        int og = geo.cout / geo.groups;
        Tensor view = dense(w).detach().reshape(geo.groups, og, g.channels(), g.kernelH(), g.kernelW())
                .permute(0, 2, 1, 3, 4).flip(3, 4);
        return Elementwise.copy(view, w.dtype).reshape(geo.cin, og, g.kernelH(), g.kernelW());
    }

    /** {@code W(x, y)} without recording, into a new tensor. */
    static Tensor weightKernel(Geom geo, Tensor x, Tensor y) {
        Im2col.Geometry g = geo.group;
        int n = x.shape[0];
        int og = geo.cout / geo.groups;
        Tensor yd = dense(y);
        Tensor out = Tensor.empty(x.dtype, geo.weightShape());
        if (runsDirect(geo, x)) {
            DirectConv.weightGradient(g, n, geo.cout, (float[]) x.data(), x.offset, x.strides[0], x.strides[1],
                    x.strides[2], x.strides[3], (float[]) yd.data(), yd.offset, (float[]) out.data());
            return out;
        }
        int chunk = imagesPerGemm(geo, n);
        try (Scratch scratch = Scratch.take()) {
            for (int k = 0; k < geo.groups; k++) {
                for (int b0 = 0; b0 < n; b0 += chunk) {
                    int count = Math.min(chunk, n - b0);
                    Block col = columns(geo, x, b0, count, k, scratch, weightProductRunsNative(geo, count * g.cols()));
                    Block dy = sideBySide(yd, b0, count, k * og, og, g.cols(), scratch);
                    // The first chunk writes the group's weight gradient, later ones add to it.
                    addProduct(geo, k, dy, col, count * g.cols(), b0 == 0, out, scratch);
                }
            }
        }
        return out;
    }

    /** Whether {@link #addProduct}'s product of {@code depth}-long sums runs on the native BLAS. */
    private static boolean weightProductRunsNative(Geom geo, int depth) {
        return Gemm.takesTransposedOperands(geo.cout / geo.groups, geo.group.rows(), depth);
    }

    /**
     * Writes (or adds) {@code y · colᵀ} into group {@code k}'s rows of the weight gradient {@code out}: y is
     * {@code og × depth}, col {@code rows × depth}, and the sum over the chunk's images is the GEMM's own.
     */
    private static void addProduct(Geom geo, int k, Block dy, Block col, int depth, boolean write, Tensor out,
            Scratch scratch) {
        int og = geo.cout / geo.groups;
        int rows = geo.group.rows();
        boolean single = out.dtype == DType.FLOAT32;
        // The native BLAS reads col as colᵀ directly; the Java kernel wants colᵀ laid out depth × rows, so that
        // it streams unit-stride rows of it.
        Block colT = col;
        int br = 1;
        int bc = depth;
        if (!weightProductRunsNative(geo, depth)) {
            Object t = scratch.array(Scratch.Slot.TRANSPOSED, single, rows * depth);
            transposeInto(single, col.data(), col.offset, rows, depth, t);
            colT = new Block(t, 0);
            br = rows;
            bc = 1;
        }
        int wo = k * og * rows;
        Object dst = write ? out.data() : scratch.array(Scratch.Slot.PART, single, og * rows);
        LinalgOps.gemm(single, og, rows, depth, dy.data(), dy.offset, depth, 1, colT.data(), colT.offset, br, bc, dst,
                write ? wo : 0);
        if (!write) {
            addInto(single, dst, out.data(), wo, og * rows);
        }
    }

    /** Writes the transpose of the contiguous {@code rows × cols} matrix at {@code src[so]} into {@code dst}. */
    private static void transposeInto(boolean single, Object src, int so, int rows, int cols, Object dst) {
        final int block = 32;
        for (int r0 = 0; r0 < rows; r0 += block) {
            int r1 = Math.min(rows, r0 + block);
            for (int c0 = 0; c0 < cols; c0 += block) {
                int c1 = Math.min(cols, c0 + block);
                if (single) {
                    float[] s = (float[]) src;
                    float[] d = (float[]) dst;
                    for (int r = r0; r < r1; r++) {
                        for (int c = c0; c < c1; c++) {
                            d[c * rows + r] = s[so + r * cols + c];
                        }
                    }
                } else {
                    double[] s = (double[]) src;
                    double[] d = (double[]) dst;
                    for (int r = r0; r < r1; r++) {
                        for (int c = c0; c < c1; c++) {
                            d[c * rows + r] = s[so + r * cols + c];
                        }
                    }
                }
            }
        }
    }

    /** A product of operands from {@link Block}s: arrays of the tensors' type, float32 ones also native memory. */
    private static void addInto(boolean single, Object src, Object dst, int dstOffset, int count) {
        if (single) {
            float[] s = (float[]) src;
            float[] d = (float[]) dst;
            for (int i = 0; i < count; i++) {
                d[dstOffset + i] += s[i];
            }
        } else {
            double[] s = (double[]) src;
            double[] d = (double[]) dst;
            for (int i = 0; i < count; i++) {
                d[dstOffset + i] += s[i];
            }
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Pixel shuffles: reshape → permute → reshape, so autograd comes from the view ops

    static Tensor pixelShuffle2d(Tensor x, int r) {
        int[] s = checkShuffle("pixelShuffle2d", x, r, 2);
        int lead = s.length - 3;
        int c = s[lead];
        if (c % (r * r) != 0) {
            throw new IllegalArgumentException("pixelShuffle2d: input " + Shapes.str(s) + " has " + c
                    + " channels, not divisible by factor² = " + r * r);
        }
        int h = s[lead + 1];
        int w = s[lead + 2];
        return x.reshape(withLead(s, lead, c / (r * r), r, r, h, w))
                .permute(leadPerm(lead, 0, 3, 1, 4, 2))
                .reshape(withLead(s, lead, c / (r * r), h * r, w * r));
    }

    static Tensor pixelUnshuffle2d(Tensor x, int r) {
        int[] s = checkShuffle("pixelUnshuffle2d", x, r, 2);
        int lead = s.length - 3;
        int c = s[lead];
        int h = s[lead + 1];
        int w = s[lead + 2];
        if (h % r != 0 || w % r != 0) {
            throw new IllegalArgumentException("pixelUnshuffle2d: height " + h + " and width " + w + " of input "
                    + Shapes.str(s) + " must both be divisible by factor " + r);
        }
        return x.reshape(withLead(s, lead, c, h / r, r, w / r, r))
                .permute(leadPerm(lead, 0, 2, 4, 1, 3))
                .reshape(withLead(s, lead, c * r * r, h / r, w / r));
    }

    static Tensor pixelShuffle1d(Tensor x, int r) {
        int[] s = checkShuffle("pixelShuffle1d", x, r, 1);
        int lead = s.length - 2;
        int c = s[lead];
        if (c % r != 0) {
            throw new IllegalArgumentException("pixelShuffle1d: input " + Shapes.str(s) + " has " + c
                    + " channels, not divisible by factor " + r);
        }
        int len = s[lead + 1];
        return x.reshape(withLead(s, lead, c / r, r, len))
                .permute(leadPerm(lead, 0, 2, 1))
                .reshape(withLead(s, lead, c / r, len * r));
    }

    static Tensor pixelUnshuffle1d(Tensor x, int r) {
        int[] s = checkShuffle("pixelUnshuffle1d", x, r, 1);
        int lead = s.length - 2;
        int c = s[lead];
        int len = s[lead + 1];
        if (len % r != 0) {
            throw new IllegalArgumentException("pixelUnshuffle1d: length " + len + " of input " + Shapes.str(s)
                    + " is not divisible by factor " + r);
        }
        return x.reshape(withLead(s, lead, c, len / r, r))
                .permute(leadPerm(lead, 0, 2, 1))
                .reshape(withLead(s, lead, c * r, len / r));
    }

    private static int[] checkShuffle(String op, Tensor x, int r, int nd) {
        Require.positive(r, op + ": factor");
        if (x.shape.length < nd + 1) {
            throw new IllegalArgumentException(op + ": expected at least " + (nd + 1) + " dims (..., C, "
                    + (nd == 1 ? "L" : "H, W") + "), got shape " + Shapes.str(x.shape));
        }
        return x.shape;
    }

    /** The first {@code lead} sizes of {@code s} followed by {@code tail}. */
    private static int[] withLead(int[] s, int lead, int... tail) {
        int[] out = Arrays.copyOf(s, lead + tail.length);
        System.arraycopy(tail, 0, out, lead, tail.length);
        return out;
    }

    /** The identity on the leading dims followed by {@code tail} shifted past them. */
    private static int[] leadPerm(int lead, int... tail) {
        int[] out = new int[lead + tail.length];
        for (int i = 0; i < lead; i++) {
            out[i] = i;
        }
        for (int i = 0; i < tail.length; i++) {
            out[lead + i] = lead + tail[i];
        }
        return out;
    }
}
