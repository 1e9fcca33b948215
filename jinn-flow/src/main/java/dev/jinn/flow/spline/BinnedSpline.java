package dev.jinn.flow.spline;

import dev.jinn.flow.FlowResult;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The bin machinery every binned spline shares (FrEIA's {@code BinnedSplineBase}): from raw network outputs to
 * knots, from knots to the bin of each element, and the tails outside the domain. The map inside a bin is left
 * to a {@link KnotInterpolation}; all spline modules ({@link ElementwiseRationalQuadraticSpline},
 * {@link RationalQuadraticSpline}, {@link LinearSpline}) call {@link #apply(Tensor, Tensor, boolean)}.
 *
 * <p><b>Layout.</b> For an input with {@code L} channels, the raw parameters have {@code L·P} channels
 * ({@code P} = {@link #parameterCount()}), channel {@code k·P + j} being parameter j of input channel k, with the
 * input's other axes. The P values are, in order: {@code widths} (bins), {@code heights} (bins), {@code bottom},
 * {@code left} (or, with identity tails, {@code total_width}), then the interpolation's extras.
 *
 * <p><b>Constraints</b> ({@code softplus⁻¹(v) = ln(e^v − 1)}, {@code Δw = (right − left)/bins}):
 * <ul>
 *   <li>affine tails: {@code left += domain.left}, {@code bottom += domain.bottom},
 *       {@code widths = min_w + softplus(w + softplus⁻¹(Δw − min_w))}, heights likewise, so a zero output gives
 *       the default domain cut into equal bins; with domain clamping {@code D}, widths and {@code left} are
 *       multiplied by {@code D·tanh(W/D)/W} ({@code W = Σ widths}), heights and {@code bottom} likewise;</li>
 *   <li>identity tails: {@code T = (right − left)·softplus(tw + ln(e − 1))} (then {@code D·tanh(T/D)} when
 *       clamped), {@code left = bottom = −T/2}, {@code widths = T·softmax(w)}, {@code heights = T·softmax(h)}.</li>
 * </ul>
 * Knots {@code x_0 = left}, {@code x_{i+1} = x_i + width_i}, {@code y} likewise.
 *
 * <p><b>Map.</b> An element is inside when {@code x_0 < x ≤ x_B} (left-open, right-closed; in reverse the same
 * test on the y knots), and lies in bin k when {@code x_k < x ≤ x_{k+1}}. Outside, the tail is affine with slope
 * {@code H/W} (total height over total width) through the domain's corners, {@code y = (H/W)(x − left) + bottom},
 * log-derivative {@code ln(H/W)}; with identity tails {@code y = x}, log-derivative 0. The log-det is the sum
 * of the log-derivatives over every non-batch axis (negated in reverse).
 *
 * <p>Autograd: the spline branch is evaluated at a safe point inside the domain for elements that are outside,
 * so no branch ever produces a non-finite value whose zero gradient would turn into NaN.
 */
public final class BinnedSpline {
    /** {@code ln(e − 1) = softplus⁻¹(1)}. */
    private static final double SOFTPLUS_INV_ONE = Math.log(Math.E - 1);

    private final BinSettings settings;
    private final KnotInterpolation interpolation;

    /**
     * A spline of the given configuration and interpolation.
     *
     * @param settings      bins, minimum sizes, domain, tails
     * @param interpolation the map inside each bin
     */
    public BinnedSpline(BinSettings settings, KnotInterpolation interpolation) {
        if (settings == null || interpolation == null) {
            throw new IllegalArgumentException("BinnedSpline: settings and interpolation are required");
        }
        this.settings = settings;
        this.interpolation = interpolation;
    }

    /**
     * The configuration.
     *
     * @return the settings
     */
    public BinSettings settings() {
        return settings;
    }

    /**
     * The raw values per transformed element, {@code P}.
     *
     * @return {@link BinSettings#parameterCount(KnotInterpolation)}
     */
    public int parameterCount() {
        return settings.parameterCount(interpolation);
    }

    /**
     * Applies the spline (or its inverse) elementwise.
     *
     * @param x       the values to transform, {@code [B, L, …]}
     * @param raw     the raw parameters, {@code [B, L·P, …]} (the same trailing axes as {@code x})
     * @param reverse whether to apply the inverse
     * @return the transformed values (shaped like {@code x}) and the per-sample log-det {@code [B]} of the applied
     *         map
     * @throws IllegalArgumentException if {@code raw} does not have the expected shape
     * @throws ArithmeticException      from the interpolation's inverse when the parameters are inconsistent
     */
    public FlowResult apply(Tensor x, Tensor raw, boolean reverse) {
        int[] xs = x.shape();
        if (xs.length < 2) {
            throw new IllegalArgumentException("BinnedSpline: expected values of shape [B, L, ...], got "
                    + Arrays.toString(xs));
        }
        int p = parameterCount();
        int[] expected = xs.clone();
        expected[1] = xs[1] * p;
        if (!Arrays.equals(raw.shape(), expected)) {
            throw new IllegalArgumentException("BinnedSpline (" + interpolation + ", " + settings.bins()
                    + " bins): expected raw parameters of shape " + Arrays.toString(expected) + " (" + p
                    + " per element for values of shape " + Arrays.toString(xs) + "), got "
                    + Arrays.toString(raw.shape()));
        }
        Knots k = knots(perElement(raw, xs, p));
        int bins = settings.bins();
        Tensor v = x.unsqueeze(-1);
        Tensor searched = reverse ? k.y : k.x;
        Tensor lo = searched.narrow(-1, 0, 1);
        Tensor hi = searched.narrow(-1, bins, 1);
        Tensor inside = v.gt(lo).logicalAnd(v.le(hi));
        Tensor safe = Tensor.where(inside, v, lo.add(hi).mul(0.5));
        Tensor lower = Tensor.searchsorted(searched, safe, false).sub(1).clamp(0, bins - 1);
        Tensor upper = lower.add(1);
        List<Tensor> atLeft = new ArrayList<>();
        List<Tensor> atRight = new ArrayList<>();
        for (Tensor values : k.values) {
            atLeft.add(values.gather(-1, lower));
            atRight.add(values.gather(-1, upper));
        }
        Bin bin = new Bin(k.x.gather(-1, lower), k.x.gather(-1, upper), k.y.gather(-1, lower),
                k.y.gather(-1, upper), atLeft, atRight);
        SplineValue in = reverse ? interpolation.inverse(bin, safe) : interpolation.forward(bin, safe);
        Tensor tail;
        Tensor tailLogDerivative;
        if (settings.identityTails()) {
            tail = v;
            tailLogDerivative = Tensors.zerosLike(v);
        } else {
            tail = reverse ? v.sub(k.tailShift).div(k.tailSlope) : v.mul(k.tailSlope).add(k.tailShift);
            tailLogDerivative = k.tailSlope.log();
        }
        Tensor out = Tensor.where(inside, in.value(), tail).squeeze(-1);
        Tensor logDerivative = Tensor.where(inside, in.logDerivative(), tailLogDerivative).squeeze(-1);
        int[] sampleAxes = new int[xs.length - 1];
        for (int a = 0; a < sampleAxes.length; a++) {
            sampleAxes[a] = a + 1;
        }
        Tensor logDet = logDerivative.sum(sampleAxes, false);
        return FlowResult.of(out, reverse ? logDet.neg() : logDet);
    }

    /** {@code [B, L·P, s…]} → {@code [B, L, s…, P]}: the P parameters of each element along the last axis. */
    private static Tensor perElement(Tensor raw, int[] xs, int p) {
        int r = xs.length;
        int[] split = new int[r + 1];
        split[0] = xs[0];
        split[1] = xs[1];
        split[2] = p;
        System.arraycopy(xs, 2, split, 3, r - 2);
        int[] order = new int[r + 1];
        order[0] = 0;
        order[1] = 1;
        for (int a = 2; a < r; a++) {
            order[a] = a + 1;
        }
        order[r] = 2;
        return raw.reshape(split).permute(order);
    }

    /** The knots, tails and interpolation values of every element, from its P raw values. */
    private Knots knots(Tensor params) {
        int bins = settings.bins();
        int last = params.dim() - 1;
        Tensor widths = params.narrow(last, 0, bins);
        Tensor heights = params.narrow(last, bins, bins);
        int offset = 2 * bins;
        Tensor left;
        Tensor bottom;
        Tensor slope = null;
        Tensor shift = null;
        if (!settings.identityTails()) {
            bottom = params.narrow(last, offset, 1).add(settings.bottom());
            left = params.narrow(last, offset + 1, 1).add(settings.left());
            offset += 2;
            widths = minimumPlusSoftplus(widths, settings.minBinWidth(), (settings.right() - settings.left()) / bins);
            heights = minimumPlusSoftplus(heights, settings.minBinHeight(),
                    (settings.top() - settings.bottom()) / bins);
            if (settings.domainClamping() != null) {
                Tensor widthFactor = clampFactor(widths.sum(new int[] {last}, true));
                Tensor heightFactor = clampFactor(heights.sum(new int[] {last}, true));
                widths = widths.mul(widthFactor);
                left = left.mul(widthFactor);
                heights = heights.mul(heightFactor);
                bottom = bottom.mul(heightFactor);
            }
            slope = heights.sum(new int[] {last}, true).div(widths.sum(new int[] {last}, true));
            shift = bottom.sub(slope.mul(left));
        } else {
            Tensor total = params.narrow(last, offset, 1).add(SOFTPLUS_INV_ONE).softplus()
                    .mul(settings.defaultWidth());
            offset += 1;
            if (settings.domainClamping() != null) {
                total = clampDomain(total);
            }
            left = total.mul(-0.5);
            bottom = left;
            widths = widths.softmax(last).mul(total);
            heights = heights.softmax(last).mul(total);
        }
        Tensor extras = params.narrow(last, offset, interpolation.extraParameterCount(bins));
        Tensor knotX = Tensor.cat(List.of(left, left.add(widths.cumsum(last))), last);
        Tensor knotY = Tensor.cat(List.of(bottom, bottom.add(heights.cumsum(last))), last);
        List<Tensor> values = interpolation.knotValues(extras, slope != null ? slope : Tensors.onesLike(left));
        return new Knots(knotX, knotY, slope, shift, values);
    }

    /** {@code min + softplus(raw + softplus⁻¹(default − min))}: equal to {@code default} at {@code raw = 0}. */
    private static Tensor minimumPlusSoftplus(Tensor raw, double minimum, double defaultSize) {
        double shift = Math.log(Math.expm1(defaultSize - minimum));
        return raw.add(shift).softplus().add(minimum);
    }

    /** {@code D·tanh(W/D)}. */
    private Tensor clampDomain(Tensor size) {
        double d = settings.domainClamping();
        return size.div(d).tanh().mul(d);
    }

    /** {@code D·tanh(W/D) / W}: the factor that brings a domain of size W to its clamped size. */
    private Tensor clampFactor(Tensor size) {
        return clampDomain(size).div(size);
    }

    /** Knot coordinates {@code [..., bins + 1]}, affine tails ({@code [..., 1]}, null for identity tails). */
    private record Knots(Tensor x, Tensor y, Tensor tailSlope, Tensor tailShift, List<Tensor> values) {
    }
}
