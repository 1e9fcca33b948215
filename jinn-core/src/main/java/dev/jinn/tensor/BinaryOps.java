package dev.jinn.tensor;

import dev.jinn.autograd.GradNode;
import dev.jinn.kernel.ArithKernel;
import dev.jinn.kernel.SpecialMath;
import java.util.Arrays;

/**
 * Elementwise functions of two broadcast tensors (and the ternary {@code where}), each with its backward rule
 * beside it. Gradients flowing to a broadcast operand are summed back to its shape and type.
 */
final class BinaryOps {
    private BinaryOps() {
    }

    /**
     * The result type of an arithmetic operation, following PyTorch: a 0-dim operand does not widen a
     * higher-dimensional operand of the same category (float32 tensor * float64 scalar stays float32).
     */
    static DType resultType(Tensor a, Tensor b) {
        if (a.dtype == b.dtype) {
            return a.dtype;
        }
        boolean aScalar = a.shape.length == 0;
        boolean bScalar = b.shape.length == 0;
        if (aScalar != bScalar && a.dtype.isFloatingPoint() == b.dtype.isFloatingPoint()) {
            return aScalar ? b.dtype : a.dtype;
        }
        return DType.promote(a.dtype, b.dtype);
    }

    private static DType floatResultType(Tensor a, Tensor b) {
        DType t = resultType(a, b);
        return t.isFloatingPoint() ? t : DType.FLOAT32;
    }

    /** Sums a gradient over broadcast dims so it matches {@code input}'s shape and type. */
    static Tensor reduceTo(Tensor g, Tensor input) {
        return reduceTo(g, input.shape, input.dtype);
    }

    /**
     * As {@link #reduceTo(Tensor, Tensor)} for an input known only by its shape and dtype: rules that need
     * nothing else of an input keep just these, so the graph does not hold the input's storage.
     */
    static Tensor reduceTo(Tensor g, int[] shape, DType dtype) {
        Tensor r = g;
        if (!Arrays.equals(g.shape, shape)) {
            int lead = g.shape.length - shape.length;
            int[] dims = new int[g.shape.length];
            int k = 0;
            for (int d = 0; d < g.shape.length; d++) {
                if (d < lead || (shape[d - lead] == 1 && g.shape[d] != 1)) {
                    dims[k++] = d;
                }
            }
            r = k == 0 ? g : g.sum(Arrays.copyOf(dims, k), true);
            r = r.reshape(shape);
        }
        return r.dtype == dtype ? r : r.to(dtype);
    }

    /**
     * An arithmetic kernel: exact long arithmetic when the result is int64 (doubles would round beyond 2^53),
     * the double kernel otherwise.
     */
    private static Tensor arith(String op, Tensor a, Tensor b, DType type, ArithKernel kernel, Elementwise.Binary f,
            Elementwise.LongBinary exact) {
        return type == DType.INT64 ? Elementwise.mapLong(op, a, b, type, exact)
                : Elementwise.map(op, a, b, type, f, kernel);
    }

    static Tensor add(Tensor a, Tensor b) {
        Tensor out = arith("add", a, b, resultType(a, b), ArithKernel.ADD, Double::sum, Long::sum);
        // The rule keeps the inputs' shapes and dtypes only, not their storages.
        int[] sa = a.shape;
        int[] sb = b.shape;
        DType ta = a.dtype;
        DType tb = b.dtype;
        return Tensor.record("AddBackward", out, (g, n) -> new Tensor[] {
            n.needs(0) ? reduceTo(g, sa, ta) : null,
            n.needs(1) ? reduceTo(g, sb, tb) : null}, a, b);
    }

    static Tensor sub(Tensor a, Tensor b) {
        Tensor out = arith("sub", a, b, resultType(a, b), ArithKernel.SUB, (x, y) -> x - y, (x, y) -> x - y);
        int[] sa = a.shape;
        int[] sb = b.shape;
        DType ta = a.dtype;
        DType tb = b.dtype;
        return Tensor.record("SubBackward", out, (g, n) -> new Tensor[] {
            n.needs(0) ? reduceTo(g, sa, ta) : null,
            n.needs(1) ? reduceTo(g.neg(), sb, tb) : null}, a, b);
    }

    static Tensor mul(Tensor a, Tensor b) {
        Tensor out = arith("mul", a, b, resultType(a, b), ArithKernel.MUL, (x, y) -> x * y, (x, y) -> x * y);
        return Tensor.record("MulBackward", out, (g, n) -> new Tensor[] {
            n.needs(0) ? reduceTo(g.mul(b), a) : null,
            n.needs(1) ? reduceTo(g.mul(a), b) : null}, a, b);
    }

    static Tensor div(Tensor a, Tensor b) {
        Tensor out = Elementwise.map("div", a, b, floatResultType(a, b), (x, y) -> x / y, ArithKernel.DIV);
        return Tensor.record("DivBackward", out, (g, n) -> new Tensor[] {
            n.needs(0) ? reduceTo(g.div(b), a) : null,
            n.needs(1) ? reduceTo(g.mul(a).div(b.square()).neg(), b) : null}, a, b);
    }

    static Tensor pow(Tensor a, Tensor b) {
        Tensor out = Elementwise.map("pow", a, b, floatResultType(a, b), SpecialMath::pow);
        return Tensor.record("PowBackward", out, (g, n) -> new Tensor[] {
            // d/da a^b = b a^(b-1); where b = 0 it is 0 (as PyTorch), not 0 * 0^-1 = NaN at a = 0
            n.needs(0) ? reduceTo(Tensor.where(b.eq(0.0), Tensors.zeros(g.dtype),
                    g.mul(b).mul(a.pow(b.sub(1.0)))), a) : null,
            // d/db a^b = a^b ln a; at a = 0 with b >= 0 the limit is 0 (as PyTorch), not NaN.
            n.needs(1) ? reduceTo(Tensor.where(a.eq(0.0).logicalAnd(b.ge(0.0)), Tensors.zeros(g.dtype),
                    g.mul(out).mul(a.log())), b) : null}, a, b);
    }

    static Tensor maximum(Tensor a, Tensor b) {
        Tensor out = arith("maximum", a, b, resultType(a, b), null, Math::max, Math::max);
        return Tensor.record("MaximumBackward", out, (g, n) -> tieSplit(g, n, a, b, a.gt(b)), a, b);
    }

    static Tensor minimum(Tensor a, Tensor b) {
        Tensor out = arith("minimum", a, b, resultType(a, b), null, Math::min, Math::min);
        return Tensor.record("MinimumBackward", out, (g, n) -> tieSplit(g, n, a, b, a.lt(b)), a, b);
    }

    /** Gradient of max/min: to the winner, split in half at ties. */
    private static Tensor[] tieSplit(Tensor g, GradNode n, Tensor a, Tensor b, Tensor aWins) {
        Tensor weightA = aWins.to(g.dtype).add(a.eq(b).to(g.dtype).mul(0.5));
        return new Tensor[] {
            n.needs(0) ? reduceTo(g.mul(weightA), a) : null,
            n.needs(1) ? reduceTo(g.mul(UnaryOps.oneMinus(weightA)), b) : null};
    }

    static Tensor atan2(Tensor a, Tensor b) {
        Tensor out = Elementwise.map("atan2", a, b, floatResultType(a, b), Math::atan2);
        return Tensor.record("Atan2Backward", out, (g, n) -> {
            Tensor scale = g.div(a.square().add(b.square()));
            return new Tensor[] {
                n.needs(0) ? reduceTo(scale.mul(b), a) : null,
                n.needs(1) ? reduceTo(scale.mul(a).neg(), b) : null};
        }, a, b);
    }

    /** Comparisons and logical connectives, giving bool masks (never differentiable). */
    static Tensor compare(String op, Tensor a, Tensor b) {
        Elementwise.Binary f;
        switch (op) {
            case "gt": f = (x, y) -> x > y ? 1 : 0; break;
            case "ge": f = (x, y) -> x >= y ? 1 : 0; break;
            case "lt": f = (x, y) -> x < y ? 1 : 0; break;
            case "le": f = (x, y) -> x <= y ? 1 : 0; break;
            case "eq": f = (x, y) -> x == y ? 1 : 0; break;
            case "ne": f = (x, y) -> x != y ? 1 : 0; break;
            case "logicalAnd": f = (x, y) -> x != 0 && y != 0 ? 1 : 0; break;
            case "logicalOr": f = (x, y) -> x != 0 || y != 0 ? 1 : 0; break;
            default: throw new IllegalStateException("unknown comparison " + op);
        }
        if (!op.startsWith("logical") && !a.dtype.isFloatingPoint() && !b.dtype.isFloatingPoint()) {
            // integers compare exactly, not through doubles that merge values beyond 2^53: the sign of
            // Long.compare(x, y) against 0 orders like x against y
            return Elementwise.mapLong(op, a, b, DType.BOOL, (x, y) -> (long) f.apply(Long.compare(x, y), 0));
        }
        return Elementwise.map(op, a, b, DType.BOOL, f);
    }

    static Tensor where(Tensor mask, Tensor a, Tensor b) {
        Tensor out = Elementwise.select("where", mask, a, b, resultType(a, b));
        return Tensor.record("WhereBackward", out, (g, n) -> {
            Tensor zero = Tensors.zeros(g.dtype);
            return new Tensor[] {
                null,
                n.needs(1) ? reduceTo(where(mask, g, zero), a) : null,
                n.needs(2) ? reduceTo(where(mask, zero, g), b) : null};
        }, mask, a, b);
    }
}
