package dev.jinn.tensor;

import dev.jinn.kernel.Parallel;
import java.util.Arrays;

/**
 * Adam's per-element update done in one pass over the storage of a parameter, its gradient and its moments,
 * written in place: the same formulas as {@code dev.jinn.optim.Adam} without the dozen temporaries (each as
 * large as the parameter) that the update takes as a chain of tensor operations. Each element is computed in
 * double from the stored values; the moments and the parameter are rounded once, when they are written back
 * (the parameter's step uses the unrounded moments).
 *
 * <p>Per element, with {@code g} the gradient:
 * <pre>
 * g = −g                          if maximize
 * g = g + weightDecay · p         if weightDecay ≠ 0 and not decoupled (L2 penalty)
 * p = p · (1 − lr · weightDecay)  if weightDecay ≠ 0 and decoupled (AdamW)
 * m = lerp(m, g, 1 − β1)          (a + w(b − a) for |w| &lt; 0.5, else b − (b − a)(1 − w), as PyTorch)
 * v = β2 · v + ((1 − β2) · g) · g
 * vmax = max(vmax, v)             if amsgrad
 * p = p + (−stepSize · m) / (sqrt(amsgrad ? vmax : v) / biasCorrection2Sqrt + eps)
 * </pre>
 */
public final class FusedAdam {
    private FusedAdam() {
    }

    /**
     * The coefficients of one update, shared by every element of a parameter.
     *
     * @param lr                  the learning rate
     * @param beta1               decay of the first moment
     * @param beta2               decay of the second moment
     * @param eps                 added to the denominator
     * @param weightDecay         the weight decay (0 for none)
     * @param decoupled           decay the weights directly (AdamW) instead of through the gradient
     * @param amsgrad             divide by the running maximum of the second moment
     * @param maximize            ascend instead of descend
     * @param stepSize            {@code lr / (1 − β1^t)}
     * @param biasCorrection2Sqrt {@code sqrt(1 − β2^t)}
     */
    public record Step(double lr, double beta1, double beta2, double eps, double weightDecay, boolean decoupled,
            boolean amsgrad, boolean maximize, double stepSize, double biasCorrection2Sqrt) {
    }

    /**
     * Whether the fused pass can update these tensors: all floating, of one dtype and one shape, contiguous,
     * and none a view of another's storage (the moments are updated in place).
     *
     * @param param the parameter
     * @param grad  its gradient
     * @param state the moment tensors (nulls are skipped)
     * @return true when {@link #update} accepts them
     */
    public static boolean applies(Tensor param, Tensor grad, Tensor... state) {
        if (!param.dtype.isFloatingPoint() || !param.contiguous || !fits(param, grad)) {
            return false;
        }
        for (Tensor s : state) {
            if (s != null && (!fits(param, s) || s.data == param.data || s.data == grad.data)) {
                return false;
            }
        }
        return true;
    }

    private static boolean fits(Tensor param, Tensor t) {
        return t.dtype == param.dtype && t.contiguous && Arrays.equals(t.shape, param.shape);
    }

    /**
     * Updates {@code param}, {@code m}, {@code v} (and {@code vmax}) in place.
     *
     * @param param the parameter (written)
     * @param grad  its gradient (read)
     * @param m     the first moment (written)
     * @param v     the second moment (written)
     * @param vmax  the running maximum of {@code v} (written; null unless {@code step.amsgrad()})
     * @param step  the coefficients
     * @throws IllegalArgumentException when {@link #applies} is false for these tensors
     */
    public static void update(Tensor param, Tensor grad, Tensor m, Tensor v, Tensor vmax, Step step) {
        if (step.amsgrad() != (vmax != null) || !applies(param, grad, m, v, vmax)) {
            throw new IllegalArgumentException("FusedAdam: expected contiguous, separate tensors of the parameter's "
                    + "dtype " + param.dtype + " and shape " + Shapes.str(param.shape) + " (and vmax exactly when "
                    + "amsgrad), got grad " + describe(grad) + ", m " + describe(m) + ", v " + describe(v)
                    + ", vmax " + describe(vmax));
        }
        param.checkWritable("FusedAdam");
        if (param.dtype == DType.FLOAT32) {
            Parallel.forRange(param.numel, 1, (from, to) -> updateFloat(param, grad, m, v, vmax, step, from, to));
        } else {
            Parallel.forRange(param.numel, 1, (from, to) -> updateDouble(param, grad, m, v, vmax, step, from, to));
        }
    }

    private static String describe(Tensor t) {
        return t == null ? "null" : t.dtype + Shapes.str(t.shape) + (t.contiguous ? "" : " (strided)");
    }

    private static void updateFloat(Tensor param, Tensor grad, Tensor m, Tensor v, Tensor vmax, Step s, int from,
            int to) {
        float[] p = (float[]) param.data;
        float[] g = (float[]) grad.data;
        float[] ms = (float[]) m.data;
        float[] vs = (float[]) v.data;
        float[] vm = vmax == null ? null : (float[]) vmax.data;
        int po = param.offset;
        int go = grad.offset;
        int mo = m.offset;
        int vo = v.offset;
        int xo = vmax == null ? 0 : vmax.offset;
        for (int i = from; i < to; i++) {
            double pi = p[po + i];
            double gi = effectiveGradient(g[go + i], pi, s);
            pi = decayed(pi, s);
            double mi = lerp(ms[mo + i], gi, 1 - s.beta1());
            double vi = secondMoment(vs[vo + i], gi, s);
            ms[mo + i] = (float) mi;
            vs[vo + i] = (float) vi;
            if (vm != null) {
                vi = Math.max(vm[xo + i], vi);
                vm[xo + i] = (float) vi;
            }
            p[po + i] = (float) step(pi, mi, vi, s);
        }
    }

    private static void updateDouble(Tensor param, Tensor grad, Tensor m, Tensor v, Tensor vmax, Step s, int from,
            int to) {
        double[] p = (double[]) param.data;
        double[] g = (double[]) grad.data;
        double[] ms = (double[]) m.data;
        double[] vs = (double[]) v.data;
        double[] vm = vmax == null ? null : (double[]) vmax.data;
        int po = param.offset;
        int go = grad.offset;
        int mo = m.offset;
        int vo = v.offset;
        int xo = vmax == null ? 0 : vmax.offset;
        for (int i = from; i < to; i++) {
            double pi = p[po + i];
            double gi = effectiveGradient(g[go + i], pi, s);
            pi = decayed(pi, s);
            double mi = lerp(ms[mo + i], gi, 1 - s.beta1());
            double vi = secondMoment(vs[vo + i], gi, s);
            ms[mo + i] = mi;
            vs[vo + i] = vi;
            if (vm != null) {
                vi = Math.max(vm[xo + i], vi);
                vm[xo + i] = vi;
            }
            p[po + i] = step(pi, mi, vi, s);
        }
    }

    /** The gradient after maximize and the L2 penalty. */
    private static double effectiveGradient(double g, double p, Step s) {
        double gi = s.maximize() ? -g : g;
        return s.weightDecay() != 0 && !s.decoupled() ? gi + p * s.weightDecay() : gi;
    }

    /** The parameter after decoupled weight decay. */
    private static double decayed(double p, Step s) {
        return s.weightDecay() != 0 && s.decoupled() ? p * (1 - s.lr() * s.weightDecay()) : p;
    }

    /** PyTorch's lerp: the form that stays exact at the end it is closer to. */
    private static double lerp(double a, double b, double w) {
        return Math.abs(w) < 0.5 ? a + w * (b - a) : b - (b - a) * (1 - w);
    }

    private static double secondMoment(double v, double g, Step s) {
        return v * s.beta2() + (g * (1 - s.beta2())) * g;
    }

    private static double step(double p, double m, double second, Step s) {
        return p + (m * -s.stepSize()) / (Math.sqrt(second) / s.biasCorrection2Sqrt() + s.eps());
    }
}
