package dev.jinn.tensor;

import dev.jinn.autograd.Grad;
import dev.jinn.kernel.ArithKernel;
import dev.jinn.kernel.FastMath;
import dev.jinn.kernel.FloatExp;
import dev.jinn.kernel.Parallel;
import dev.jinn.kernel.SpecialMath;
import java.util.Arrays;

/**
 * Elementwise functions of one tensor, each with its backward rule beside it. Rules are written with tensor
 * operations, so they can be differentiated again. Integer and bool inputs give float32 results, except for
 * the sign-like operations (neg, abs, sign, square, clamp) which keep int64 and compute it exactly. A float
 * exponent makes {@code pow} a floating-point function for every exponent, 2 included.
 */
final class UnaryOps {
    private static final double TWO_OVER_SQRT_PI = 2.0 / Math.sqrt(Math.PI);
    private static final double INV_SQRT_2 = 1.0 / Math.sqrt(2.0);
    private static final double INV_SQRT_2PI = 1.0 / Math.sqrt(2.0 * Math.PI);

    private UnaryOps() {
    }

    /** Result type of a floating-point function: the input's floating type, float32 for int/bool. */
    static DType floatType(Tensor x) {
        return x.dtype.isFloatingPoint() ? x.dtype : DType.FLOAT32;
    }

    /** Result type of a sign-like function: int64 stays int64. */
    private static DType keepIntType(Tensor x) {
        return x.dtype == DType.INT64 ? DType.INT64 : floatType(x);
    }

    /** {@code 1 - t}. */
    static Tensor oneMinus(Tensor t) {
        return t.neg().add(1.0);
    }

    /**
     * A function with a fast float32 kernel: {@code single} for float32 inputs (accurate far below float32's
     * rounding), {@code exact} (the JDK's ≤ 1 ulp functions) for everything else.
     */
    private static Tensor map(Tensor x, Elementwise.Unary exact, Elementwise.FloatRun single) {
        if (x.dtype == DType.FLOAT32) {
            return Elementwise.mapFloat(x, single);
        }
        return Elementwise.map(x, floatType(x), exact);
    }

    /**
     * The gradient {@code g ∘ t} of a pointwise rule: when the backward pass is itself recorded (create-graph),
     * the composite tensor expression, so it can be differentiated again; otherwise one fused pass of
     * {@code kernel(g, t)} instead of several temporaries.
     */
    private static Tensor pointwiseGrad(Tensor g, Tensor t, Elementwise.Binary kernel,
            Elementwise.FloatRun2 single, java.util.function.Supplier<Tensor> composite) {
        if (Grad.isEnabled()) {
            return composite.get();
        }
        if (g.dtype == DType.FLOAT32 && t.dtype == DType.FLOAT32 && Arrays.equals(g.shape, t.shape)) {
            // The float32 loop is its own lambda class per rule, so the JIT inlines its body; the shared
            // per-element path below calls a different lambda for every rule (a megamorphic call per element).
            return Elementwise.mapFloat(g, t, single);
        }
        return Elementwise.map("backward", g, t, BinaryOps.resultType(g, t), kernel);
    }

    static Tensor neg(Tensor x) {
        Tensor out = x.dtype == DType.INT64 ? Elementwise.mapLong(x, v -> -v)
                : Elementwise.map(x, keepIntType(x), v -> -v);
        return Tensor.record("NegBackward", out, (g, n) -> new Tensor[] {g.neg()}, x);
    }

    static Tensor abs(Tensor x) {
        Tensor out = x.dtype == DType.INT64 ? Elementwise.mapLong(x, Math::abs)
                : Elementwise.map(x, keepIntType(x), Math::abs);
        return Tensor.record("AbsBackward", out, (g, n) -> new Tensor[] {g.mul(x.sign())}, x);
    }

    static Tensor sign(Tensor x) {
        Tensor out = x.dtype == DType.INT64 ? Elementwise.mapLong(x, Long::signum)
                : Elementwise.map(x, keepIntType(x), Math::signum);
        return Tensor.record("SignBackward", out, (g, n) -> new Tensor[] {Tensors.zerosLike(g)}, x);
    }

    static Tensor exp(Tensor x) {
        Tensor out = map(x, Math::exp, (in, o, from, to) -> FloatExp.exp(in, from, o, from, to - from));
        return Tensor.record("ExpBackward", out, (g, n) -> new Tensor[] {g.mul(out)}, x);
    }

    static Tensor expm1(Tensor x) {
        Tensor out = map(x, Math::expm1, (in, o, from, to) -> FastMath.expm1(in, from, o, from, to - from));
        return Tensor.record("Expm1Backward", out, (g, n) -> new Tensor[] {g.mul(out.add(1.0))}, x);
    }

    static Tensor log(Tensor x) {
        Tensor out = map(x, Math::log, (in, o, from, to) -> FastMath.log(in, from, o, from, to - from));
        return Tensor.record("LogBackward", out, (g, n) -> new Tensor[] {g.div(x)}, x);
    }

    static Tensor log1p(Tensor x) {
        Tensor out = Elementwise.map(x, floatType(x), Math::log1p);
        return Tensor.record("Log1pBackward", out, (g, n) -> new Tensor[] {g.div(x.add(1.0))}, x);
    }

    static Tensor sqrt(Tensor x) {
        Tensor out = Elementwise.map(x, floatType(x), Math::sqrt);
        return Tensor.record("SqrtBackward", out, (g, n) -> new Tensor[] {g.div(out.mul(2.0))}, x);
    }

    static Tensor rsqrt(Tensor x) {
        Tensor out = Elementwise.map(x, floatType(x), v -> 1.0 / Math.sqrt(v));
        return Tensor.record("RsqrtBackward", out, (g, n) -> new Tensor[] {g.mul(out.pow(3.0)).mul(-0.5)}, x);
    }

    static Tensor square(Tensor x) {
        Tensor out = x.dtype == DType.INT64 ? Elementwise.mapLong(x, v -> v * v)
                : Elementwise.map(x, keepIntType(x), v -> v * v);
        return Tensor.record("SquareBackward", out, (g, n) -> new Tensor[] {g.mul(x).mul(2.0)}, x);
    }

    static Tensor pow(Tensor x, double p) {
        if (p == 2.0 && x.dtype.isFloatingPoint()) {
            return square(x);
        }
        Tensor out = Elementwise.map(x, floatType(x), v -> SpecialMath.pow(v, p));
        return Tensor.record("PowBackward", out,
                (g, n) -> new Tensor[] {p == 0.0 ? Tensors.zerosLike(g) : g.mul(x.pow(p - 1.0)).mul(p)}, x);
    }

    static Tensor reciprocal(Tensor x) {
        Tensor out = Elementwise.map(x, floatType(x), v -> 1.0 / v);
        return Tensor.record("ReciprocalBackward", out, (g, n) -> new Tensor[] {g.mul(out.square()).neg()}, x);
    }

    static Tensor sin(Tensor x) {
        Tensor out = Elementwise.map(x, floatType(x), Math::sin);
        return Tensor.record("SinBackward", out, (g, n) -> new Tensor[] {g.mul(x.cos())}, x);
    }

    static Tensor cos(Tensor x) {
        Tensor out = Elementwise.map(x, floatType(x), Math::cos);
        return Tensor.record("CosBackward", out, (g, n) -> new Tensor[] {g.mul(x.sin()).neg()}, x);
    }

    static Tensor tanh(Tensor x) {
        Tensor out = map(x, Math::tanh, (in, o, from, to) -> FastMath.tanh(in, from, o, from, to - from));
        return Tensor.record("TanhBackward", out, (g, n) -> new Tensor[] {
            pointwiseGrad(g, out, (gv, y) -> gv * (1 - y * y), (gs, ys, o, from, to) -> {
                for (int i = from; i < to; i++) {
                    float y = ys[i];
                    o[i] = (float) (gs[i] * (1.0 - (double) y * y));
                }
            }, () -> g.mul(oneMinus(out.square())))}, x);
    }

    static Tensor sigmoid(Tensor x) {
        Tensor out = map(x, SpecialMath::sigmoid, (in, o, from, to) -> FastMath.sigmoid(in, from, o, from, to - from));
        return Tensor.record("SigmoidBackward", out, (g, n) -> new Tensor[] {
            pointwiseGrad(g, out, (gv, y) -> gv * y * (1 - y), (gs, ys, o, from, to) -> {
                for (int i = from; i < to; i++) {
                    double y = ys[i];
                    o[i] = (float) (gs[i] * y * (1 - y));
                }
            }, () -> g.mul(out.mul(oneMinus(out))))}, x);
    }

    static Tensor logSigmoid(Tensor x) {
        Tensor out = Elementwise.map(x, floatType(x), SpecialMath::logSigmoid);
        return Tensor.record("LogSigmoidBackward", out, (g, n) -> new Tensor[] {g.mul(x.neg().sigmoid())}, x);
    }

    static Tensor softplus(Tensor x, double beta, double threshold) {
        if (beta == 0 || Double.isNaN(beta)) {
            throw new IllegalArgumentException("softplus: beta must be nonzero, got " + beta);
        }
        Tensor out = Elementwise.map(x, floatType(x), v -> SpecialMath.softplus(v, beta, threshold));
        return Tensor.record("SoftplusBackward", out, (g, n) -> {
            Tensor bx = x.mul(beta);
            return new Tensor[] {Tensor.where(bx.gt(threshold), g, g.mul(bx.sigmoid()))};
        }, x);
    }

    static Tensor atan(Tensor x) {
        Tensor out = Elementwise.map(x, floatType(x), Math::atan);
        return Tensor.record("AtanBackward", out, (g, n) -> new Tensor[] {g.div(x.square().add(1.0))}, x);
    }

    static Tensor erf(Tensor x) {
        Tensor out = Elementwise.map(x, floatType(x), SpecialMath::erf);
        return Tensor.record("ErfBackward", out,
                (g, n) -> new Tensor[] {g.mul(x.square().neg().exp().mul(TWO_OVER_SQRT_PI))}, x);
    }

    static Tensor relu(Tensor x) {
        // Math.max is branch-free (random signs would mispredict a branch half the time) and keeps NaN; the
        // float32 loop is its own lambda class, so its body is inlined and vectorised (relu is the activation
        // of most coupling subnets).
        Tensor out = map(x, v -> Math.max(v, 0.0), (in, o, from, to) -> {
            for (int i = from; i < to; i++) {
                o[i] = Math.max(in[i], 0.0f);
            }
        });
        return Tensor.record("ReluBackward", out, (g, n) -> new Tensor[] {
            pointwiseGrad(g, x, (gv, v) -> gv * step(v), (gs, xs, o, from, to) -> {
                // The step as min(max(x·2²⁰⁰, 0), 1) instead of a branch or a select: the loop is vectorised.
                for (int i = from; i < to; i++) {
                    o[i] = gs[i] * step(xs[i]);
                }
            }, () -> g.mul(x.gt(0.0)))}, x);
    }

    /**
     * The derivative of relu as arithmetic: 1 for {@code x > 0} (the scaling lifts even the smallest subnormal
     * above 1), 0 for {@code x ≤ 0}, NaN for NaN (so a NaN input gives a NaN gradient).
     */
    static double step(double x) {
        return Math.min(Math.max(x * 0x1p600 * 0x1p600, 0), 1);
    }

    /** {@link #step(double)} in float32 arithmetic (scaled by 2²⁰⁰, which lifts the smallest float subnormal). */
    static float step(float x) {
        return Math.min(Math.max(x * 0x1p100f * 0x1p100f, 0f), 1f);
    }

    static Tensor leakyRelu(Tensor x, double slope) {
        Tensor out = Elementwise.map(x, floatType(x), v -> v > 0 ? v : v * slope);
        return Tensor.record("LeakyReluBackward", out,
                (g, n) -> new Tensor[] {Tensor.where(x.gt(0.0), g, g.mul(slope))}, x);
    }

    /**
     * ELU, {@code x > 0 ? x : α(eˣ − 1)}, as one fused pass. When the result will be differentiated, the same pass
     * stores the slope {@code f'(x)} ({@code 1}, or {@code αeˣ} where {@code x ≤ 0}), so that every backward pass
     * through it, of any order, is one multiply instead of a mask, an exp and a select (i-ResNets run the
     * backward of each activation once per power-series term). The exponentials are taken of {@code min(x, 0)}
     * on every element, so the loop has no data-dependent branch to mispredict.
     */
    static Tensor elu(Tensor x, double alpha) {
        DType type = floatType(x);
        Tensor xd = x.contiguous && x.dtype == type ? x : Elementwise.copy(x, type);
        Tensor out = Tensor.empty(type, x.shape);
        Tensor slope = Grad.isEnabled() && x.requiresGrad() ? Tensor.empty(type, x.shape) : null;
        int off = xd.offset;
        if (type == DType.FLOAT32) {
            float[] in = (float[]) xd.data();
            float[] o = (float[]) out.data();
            float[] s = slope == null ? null : (float[]) slope.data();
            Parallel.forRange(x.numel, 1, (from, to) -> {
                if (s == null) {
                    for (int i = from; i < to; i++) {
                        float v = in[off + i];
                        float e = (float) (alpha * FastMath.expm1(Math.min(v, 0f)));
                        o[i] = v > 0 ? v : e;
                    }
                    return;
                }
                // One transcendental per element: the slope αeᵛ is α(expm1(v) + 1), whose rounding (a double ulp
                // of 1) stays far below float32's relative precision while v ≥ -16; further out, exp directly.
                for (int i = from; i < to; i++) {
                    float v = in[off + i];
                    if (v > 0) {
                        o[i] = v;
                        s[i] = 1f;
                    } else {
                        double em = FastMath.expm1(v);
                        o[i] = (float) (alpha * em);
                        s[i] = (float) (alpha * (v < -16f ? FastMath.exp(v) : em + 1.0));
                    }
                }
            });
        } else {
            double[] in = (double[]) xd.data();
            double[] o = (double[]) out.data();
            double[] s = slope == null ? null : (double[]) slope.data();
            Parallel.forRange(x.numel, 1, (from, to) -> {
                for (int i = from; i < to; i++) {
                    double v = in[off + i];
                    o[i] = v > 0 ? v : alpha * Math.expm1(v);
                }
                if (s != null) {
                    for (int i = from; i < to; i++) {
                        double v = in[off + i];
                        s[i] = v > 0 ? 1.0 : alpha * Math.exp(v);
                    }
                }
            });
        }
        if (slope == null) {
            return out;
        }
        EluDerivatives d = new EluDerivatives(x, xd, slope);
        return Tensor.record("EluBackward", out, (g, n) -> new Tensor[] {d.times(g, 1)}, x);
    }

    /**
     * ELU's derivatives at one input: {@code f' = slope} and, for every order {@code k ≥ 2},
     * {@code f⁽ᵏ⁾ = x > 0 ? 0 : αeˣ}, made from the slope on first use and kept for the later backward passes.
     */
    private static final class EluDerivatives {
        private final Tensor x;
        private final Tensor xd;
        private final Tensor slope;
        private Tensor curvature;

        /**
         * @param x     the ELU's input (the graph edge gradients of x flow to)
         * @param xd    its values, contiguous in the result type
         * @param slope {@code f'(x)}, contiguous
         */
        EluDerivatives(Tensor x, Tensor xd, Tensor slope) {
            this.x = x;
            this.xd = xd;
            this.slope = slope;
        }

        /** {@code f⁽ᵏ⁾(x)} for {@code k ≥ 2}. */
        private synchronized Tensor curvature() {
            if (curvature == null) {
                curvature = Elementwise.map("elu", xd, slope, slope.dtype, (v, s) -> v > 0 ? 0.0 : s);
            }
            return curvature;
        }

        /**
         * {@code g · f⁽ᵏ⁾(x)} as one recorded op of {@code g} and {@code x}. Its own backward is the same op again,
         * {@code ∂/∂g = u·f⁽ᵏ⁾(x)} and {@code ∂/∂x = (u·g)·f⁽ᵏ⁺¹⁾(x)}, so gradients of any order stay exact and
         * fused.
         */
        Tensor times(Tensor g, int order) {
            Tensor factor = order == 1 ? slope : curvature();
            Tensor out = Elementwise.map("elu backward", g, factor, factor.dtype, (a, b) -> a * b, ArithKernel.MUL);
            return Tensor.record(order == 1 ? "EluBackward" : "EluBackwardBackward", out, (u, n) -> new Tensor[] {
                n.needs(0) ? times(u, order) : null,
                n.needs(1) ? times(u.mul(g), order + 1) : null}, g, x);
        }
    }

    static Tensor gelu(Tensor x, boolean tanhApproximation) {
        if (tanhApproximation) {
            // 0.5 x (1 + tanh(√(2/π) (x + 0.044715 x³))), composed so autograd follows by itself.
            Tensor inner = x.add(x.pow(3.0).mul(0.044715)).mul(Math.sqrt(2.0 / Math.PI));
            return x.mul(inner.tanh().add(1.0)).mul(0.5);
        }
        Tensor out = Elementwise.map(x, floatType(x), v -> v * SpecialMath.normalCdf(v));
        return Tensor.record("GeluBackward", out, (g, n) -> {
            Tensor cdf = x.mul(INV_SQRT_2).erf().add(1.0).mul(0.5);
            Tensor pdf = x.square().mul(-0.5).exp().mul(INV_SQRT_2PI);
            return new Tensor[] {g.mul(cdf.add(x.mul(pdf)))};
        }, x);
    }

    static Tensor silu(Tensor x) {
        Tensor out = Elementwise.map(x, floatType(x), v -> v * SpecialMath.sigmoid(v));
        return Tensor.record("SiluBackward", out, (g, n) -> {
            Tensor s = x.sigmoid();
            return new Tensor[] {g.mul(s.mul(x.mul(oneMinus(s)).add(1.0)))};
        }, x);
    }

    static Tensor clamp(Tensor x, double min, double max) {
        if (min > max || Double.isNaN(min) || Double.isNaN(max)) {
            throw new IllegalArgumentException("clamp: need min <= max, got min=" + min + " max=" + max);
        }
        Tensor out = x.dtype == DType.INT64
                ? Elementwise.mapLong(x, v -> v < min ? (long) Math.ceil(min) : (v > max ? (long) Math.floor(max) : v))
                : Elementwise.map(x, keepIntType(x), v -> v < min ? min : (v > max ? max : v));
        return Tensor.record("ClampBackward", out,
                (g, n) -> new Tensor[] {g.mul(x.ge(min).logicalAnd(x.le(max)))}, x);
    }
}
