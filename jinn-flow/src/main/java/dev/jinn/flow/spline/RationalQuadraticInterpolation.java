package dev.jinn.flow.spline;

import dev.jinn.tensor.DType;
import dev.jinn.tensor.Tensor;
import java.util.List;

/**
 * The monotone rational-quadratic interpolation of Durkan et al., "Neural Spline Flows" (2019,
 * arXiv:1906.04032), with a derivative {@code d_k > 0} at every knot.
 *
 * <p>Knot derivatives: the {@code bins − 1} inner ones are {@code d = softplus(raw + ln(e − 1))} (so a raw 0 gives
 * 1); the two outer ones equal the tails' slope, so the spline joins its tails with a continuous derivative.
 *
 * <p>In bin k, with {@code Δx = x_{k+1} − x_k}, {@code Δy = y_{k+1} − y_k}, {@code s = Δy/Δx},
 * {@code ξ = (x − x_k)/Δx} and {@code δ = d_{k+1} + d_k − 2s}:
 * <pre>
 *   y        = y_k + Δy·(s ξ² + d_k ξ(1−ξ)) / (s + δ ξ(1−ξ))
 *   ln f'(x) = ln(s²·(d_{k+1} ξ² + 2s ξ(1−ξ) + d_k (1−ξ)²)) − 2 ln(s + δ ξ(1−ξ))
 * </pre>
 * Inverse: with {@code r = y − y_k}, {@code ξ} is the root in {@code [0, 1]} of {@code aξ² + bξ + c = 0},
 * {@code a = Δy(s − d_k) + rδ}, {@code b = Δy·d_k − rδ}, {@code c = −s·r}, taken in the cancellation-free form
 * {@code ξ = 2c / (−b − √(b² − 4ac))}; then {@code x = x_k + ξΔx}. The discriminant is never negative for
 * positive derivatives and {@code y} inside the bin; a value that is negative beyond rounding is an error
 * ({@link ArithmeticException}), one within rounding is taken as 0.
 */
public final class RationalQuadraticInterpolation implements KnotInterpolation {
    /** The shared instance (the interpolation has no state). */
    public static final RationalQuadraticInterpolation INSTANCE = new RationalQuadraticInterpolation();

    /** {@code ln(e − 1)}: shifts the softplus so that a raw 0 gives a derivative of 1. */
    private static final double SOFTPLUS_SHIFT = Math.log(Math.E - 1);

    private RationalQuadraticInterpolation() {
    }

    @Override
    public int extraParameterCount(int bins) {
        return bins - 1;
    }

    @Override
    public List<Tensor> knotValues(Tensor rawExtras, Tensor boundarySlope) {
        Tensor inner = rawExtras.add(SOFTPLUS_SHIFT).softplus();
        return List.of(Tensor.cat(List.of(boundarySlope, inner, boundarySlope), -1));
    }

    @Override
    public SplineValue forward(Bin bin, Tensor x) {
        Tensor dx = bin.right().sub(bin.left());
        Tensor dy = bin.top().sub(bin.bottom());
        Tensor s = dy.div(dx);
        Tensor dk = bin.atLeft().get(0);
        Tensor dk1 = bin.atRight().get(0);
        Tensor xi = x.sub(bin.left()).div(dx);
        Tensor xi1 = xi.mul(xi.neg().add(1));
        Tensor numerator = dy.mul(s.mul(xi.square()).add(dk.mul(xi1)));
        Tensor denominator = s.add(dk1.add(dk).sub(s.mul(2)).mul(xi1));
        Tensor y = bin.bottom().add(numerator.div(denominator));
        return new SplineValue(y, logDerivative(s, dk, dk1, xi));
    }

    @Override
    public SplineValue inverse(Bin bin, Tensor y) {
        Tensor dx = bin.right().sub(bin.left());
        Tensor dy = bin.top().sub(bin.bottom());
        Tensor s = dy.div(dx);
        Tensor dk = bin.atLeft().get(0);
        Tensor dk1 = bin.atRight().get(0);
        Tensor delta = dk1.add(dk).sub(s.mul(2));
        Tensor r = y.sub(bin.bottom());
        Tensor a = dy.mul(s.sub(dk)).add(r.mul(delta));
        Tensor b = dy.mul(dk).sub(r.mul(delta));
        Tensor c = s.mul(r).neg();
        Tensor fourAc = a.mul(c).mul(4);
        Tensor discriminant = checkedDiscriminant(b.square(), fourAc);
        Tensor xi = c.mul(2).div(b.neg().sub(discriminant.sqrt()));
        Tensor x = bin.left().add(xi.mul(dx));
        return new SplineValue(x, logDerivative(s, dk, dk1, xi));
    }

    private static Tensor logDerivative(Tensor s, Tensor dk, Tensor dk1, Tensor xi) {
        Tensor oneMinus = xi.neg().add(1);
        Tensor xi1 = xi.mul(oneMinus);
        Tensor inner = dk1.mul(xi.square()).add(s.mul(xi1).mul(2)).add(dk.mul(oneMinus.square()));
        Tensor denominator = s.add(dk1.add(dk).sub(s.mul(2)).mul(xi1));
        return s.log().mul(2).add(inner.log()).sub(denominator.log().mul(2));
    }

    /**
     * {@code b² − 4ac}, with values negative only by rounding set to 0; a clearly negative one means the
     * parameters do not describe a monotone spline.
     */
    private static Tensor checkedDiscriminant(Tensor bSquared, Tensor fourAc) {
        Tensor d = bSquared.sub(fourAc);
        double eps = d.dtype() == DType.FLOAT64 ? 1e-12 : 1e-5;
        double[] dv = d.toDoubleArray();
        double[] bv = bSquared.toDoubleArray();
        double[] av = fourAc.toDoubleArray();
        for (int i = 0; i < dv.length; i++) {
            if (dv[i] < -eps * (bv[i] + Math.abs(av[i])) || Double.isNaN(dv[i])) {
                throw new ArithmeticException("rational-quadratic spline inverse: the discriminant b² − 4ac is "
                        + dv[i] + " (b² = " + bv[i] + ", 4ac = " + av[i] + "); it must not be negative, which"
                        + " holds for positive knot derivatives and outputs inside their bin");
            }
        }
        return d.clamp(0, Double.POSITIVE_INFINITY);
    }

    @Override
    public String toString() {
        return "rational-quadratic";
    }
}
