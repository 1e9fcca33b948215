package dev.jinn.tensor;

import dev.jinn.autograd.GradNode;
import dev.jinn.kernel.TiledPerceptron;
import java.util.Arrays;

/**
 * The two-layer perceptron {@code relu(x·W1ᵀ + b1)·W2ᵀ + b2} as one recorded op: the subnet of FrEIA's quick
 * start and of most coupling blocks on vector data. Unfused, each of its steps writes a fresh tensor of the
 * hidden width ({@code [batch, hidden]}: the first product, the activation, and in the backward pass the
 * incoming gradient and the masked gradient), and on the JVM a fresh array is zeroed in memory that is in no
 * cache. Fused:
 * <ul>
 *   <li>the forward pass writes the hidden activations once, into an array from the {@link BufferPool}, adding
 *       the bias and applying the relu in one pass over each row while it is in L1;</li>
 *   <li>the backward pass forms the hidden gradient in a second pooled array, masks it in place and derives all
 *       five gradients from it; both arrays go back to the pool when the node is released.</li>
 * </ul>
 * The products are the same {@link dev.jinn.kernel.Gemm} calls as in the unfused layers, so results agree with
 * {@code x.linear(w1, b1).relu().linear(w2, b2)} up to the order of rounding inside the kernels. When the
 * backward pass itself is recorded (double backward), the gradients are computed from differentiable ops.
 */
final class MlpOps {
    private MlpOps() {
    }

    /**
     * {@code relu(x·w1ᵀ + b1)·w2ᵀ + b2}.
     *
     * @param x  input {@code [..., in]}
     * @param w1 first weight {@code [hidden, in]}
     * @param b1 first bias {@code [hidden]}, or null
     * @param w2 second weight {@code [out, hidden]}
     * @param b2 second bias {@code [out]}, or null
     * @return output {@code [..., out]}
     */
    static Tensor linearReluLinear(Tensor x, Tensor w1, Tensor b1, Tensor w2, Tensor b2) {
        check(x, w1, b1, w2, b2);
        DType type = x.dtype;
        boolean single = type == DType.FLOAT32;
        int in = w1.shape[1];
        int hidden = w1.shape[0];
        int out = w2.shape[0];
        int rows = Shapes.numel(Arrays.copyOf(x.shape, x.shape.length - 1));
        Tensor xc = x.contiguous ? x : Elementwise.copy(x, type);
        int[] outShape = x.shape.clone();
        outShape[outShape.length - 1] = out;
        if (!FusedPair.differentiated(x, w1, b1, w2, b2)) {
            // Nothing to save for a backward pass: the hidden layer only ever exists one cached tile at a time.
            Tensor y = Tensor.empty(type, outShape);
            Tensor b1c = b1 == null ? null : b1.contiguous();
            Tensor b2c = b2 == null ? null : b2.contiguous();
            TiledPerceptron.run(rows, in, hidden, out, xc.data(), xc.offset, w1.data(), w1.offset, w1.strides[0],
                    w1.strides[1], b1c == null ? null : b1c.data(), b1c == null ? 0 : b1c.offset, w2.data(), w2.offset,
                    w2.strides[0], w2.strides[1], b2c == null ? null : b2c.data(), b2c == null ? 0 : b2c.offset,
                    y.data(), 0);
            return y;
        }
        Object h = BufferPool.array(type, rows * hidden);
        // h = relu(x·w1ᵀ + b1): B = w1ᵀ read through w1's strides, no copy.
        LinalgOps.gemm(single, rows, hidden, in, xc.data(), xc.offset, in, 1, w1.data(), w1.offset, w1.strides[1],
                w1.strides[0], h, 0);
        LinalgOps.addRowsInPlace(new Tensor(h, type, new int[] {rows, hidden}), b1, true);
        Tensor y = Tensor.empty(type, outShape);
        LinalgOps.gemm(single, rows, out, hidden, h, 0, hidden, 1, w2.data(), w2.offset, w2.strides[1], w2.strides[0],
                y.data(), 0);
        if (b2 != null) {
            LinalgOps.addRowsInPlace(y, b2, false);
        }
        return new Backward(x, xc, w1, b1, w2, b2, h, rows).record("LinearReluLinearBackward", y);
    }

    /** The backward rule of one fused perceptron. */
    private static final class Backward extends FusedPair {
        /** x as a contiguous tensor, the A operand of the weight gradient's product. */
        private final Tensor xc;
        /** The rows of x (its leading dims flattened). */
        private final int rows;

        Backward(Tensor x, Tensor xc, Tensor w1, Tensor b1, Tensor w2, Tensor b2, Object h, int rows) {
            super(x, w1, b1, w2, b2, h);
            this.xc = xc;
            this.rows = rows;
        }

        /** The five gradients {@code (x, w1, b1, w2, b2)} from the saved activations and pooled scratch. */
        @Override
        Tensor[] fused(Tensor g, GradNode node) {
            DType type = x.dtype;
            boolean single = type == DType.FLOAT32;
            int in = w1.shape[1];
            int hidden = w1.shape[0];
            int out = w2.shape[0];
            Tensor gc = g.contiguous ? g : Elementwise.copy(g, type);
            Object gh = BufferPool.array(type, rows * hidden);
            // gh = (g·w2) ⊙ relu'(pre), with relu'(pre) read from h = relu(pre): h > 0 exactly where pre > 0.
            LinalgOps.gemm(single, rows, hidden, out, gc.data(), gc.offset, out, 1, w2.data(), w2.offset,
                    w2.strides[0], w2.strides[1], gh, 0);
            FusedPair.maskByActivation(type, gh, h, rows * hidden);
            Tensor ghT = new Tensor(gh, type, new int[] {rows, hidden});
            int[] xShape = x.shape;
            Tensor gx = null;
            if (needed(node, 0)) {
                gx = Tensor.empty(type, xShape);
                LinalgOps.gemm(single, rows, in, hidden, gh, 0, hidden, 1, w1.data(), w1.offset, w1.strides[0],
                        w1.strides[1], gx.data(), 0);
            }
            Tensor gw1 = null;
            if (needed(node, 1)) {
                gw1 = Tensor.empty(type, new int[] {hidden, in});
                LinalgOps.gemm(single, hidden, in, rows, gh, 0, 1, hidden, xc.data(), xc.offset, in, 1, gw1.data(), 0);
            }
            Tensor gb1 = needed(node, 2) ? ghT.sum(0) : null;
            Tensor gw2 = null;
            if (needed(node, 3)) {
                gw2 = Tensor.empty(type, new int[] {out, hidden});
                LinalgOps.gemm(single, out, hidden, rows, gc.data(), gc.offset, 1, out, h, 0, hidden, 1, gw2.data(), 0);
            }
            Tensor gb2 = needed(node, 4) ? gc.reshape(rows, out).sum(0) : null;
            BufferPool.give(gh);
            return new Tensor[] {Tensor.adoptable(gx), Tensor.adoptable(gw1), Tensor.adoptable(gb1),
                Tensor.adoptable(gw2), Tensor.adoptable(gb2)};
        }

        @Override
        Tensor[] recorded(Tensor g) {
            int in = w1.shape[1];
            int hidden = w1.shape[0];
            int out = w2.shape[0];
            Tensor pre = x.linear(w1, b1);
            Tensor act = pre.relu();
            Tensor gpre = g.matmul(w2).mul(pre.gt(0.0));
            Tensor g2 = g.reshape(rows, out);
            Tensor gpre2 = gpre.reshape(rows, hidden);
            return new Tensor[] {
                gpre.matmul(w1),
                gpre2.transpose(0, 1).matmul(x.reshape(rows, in)),
                b1 == null ? null : gpre2.sum(0),
                g2.transpose(0, 1).matmul(act.reshape(rows, hidden)),
                b2 == null ? null : g2.sum(0)};
        }
    }

    private static void check(Tensor x, Tensor w1, Tensor b1, Tensor w2, Tensor b2) {
        String op = "linearReluLinear";
        if (w1.shape.length != 2 || w2.shape.length != 2) {
            throw new IllegalArgumentException(op + ": expected weights [hidden, in] and [out, hidden], got "
                    + Shapes.str(w1.shape) + " and " + Shapes.str(w2.shape));
        }
        int in = w1.shape[1];
        int hidden = w1.shape[0];
        if (w2.shape[1] != hidden) {
            throw new IllegalArgumentException(op + ": the second weight " + Shapes.str(w2.shape) + " must take the "
                    + hidden + " outputs of the first " + Shapes.str(w1.shape));
        }
        if (x.shape.length == 0 || x.shape[x.shape.length - 1] != in) {
            throw new IllegalArgumentException(op + ": expected input [..., " + in + "] for weight "
                    + Shapes.str(w1.shape) + ", got " + Shapes.str(x.shape));
        }
        if (b1 != null && (b1.shape.length != 1 || b1.shape[0] != hidden)) {
            throw new IllegalArgumentException(op + ": expected first bias [" + hidden + "], got "
                    + Shapes.str(b1.shape));
        }
        if (b2 != null && (b2.shape.length != 1 || b2.shape[0] != w2.shape[0])) {
            throw new IllegalArgumentException(op + ": expected second bias [" + w2.shape[0] + "], got "
                    + Shapes.str(b2.shape));
        }
        boolean sameType = x.dtype.isFloatingPoint() && w1.dtype == x.dtype && w2.dtype == x.dtype
                && (b1 == null || b1.dtype == x.dtype) && (b2 == null || b2.dtype == x.dtype);
        if (!sameType) {
            throw new IllegalArgumentException(op + ": input, weights and biases must share one floating dtype, got "
                    + x.dtype + ", " + w1.dtype + ", " + (b1 == null ? "-" : b1.dtype) + ", " + w2.dtype + ", "
                    + (b2 == null ? "-" : b2.dtype));
        }
    }
}
