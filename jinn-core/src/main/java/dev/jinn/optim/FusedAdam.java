package dev.jinn.optim;

import dev.jinn.kernel.Parallel;
import dev.jinn.tensor.DType;
import dev.jinn.tensor.DenseStorage;
import dev.jinn.tensor.Tensor;
import java.util.Arrays;

/**
 * Adam's per-element update done in one pass over the storage of a parameter, its gradient and its moments,
 * written in place: the same formulas as {@code dev.jinn.optim.Adam} without the dozen temporaries (each as
 * large as the parameter) that the update takes as a chain of tensor operations. Float64 parameters are updated
 * in double arithmetic; float32 ones in float arithmetic, operation by operation in the order written below,
 * with the coefficients rounded to float first (as PyTorch does). It reaches the storage through
 * {@link DenseStorage}, the tensor layer's one door for in-place passes.
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
final class FusedAdam {
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
    record Step(double lr, double beta1, double beta2, double eps, double weightDecay, boolean decoupled,
            boolean amsgrad, boolean maximize, double stepSize, double biasCorrection2Sqrt) {
    }

    /**
     * Whether the fused pass can update these tensors: all floating, of one dtype, shape and storage offset,
     * contiguous, and no moment a view of the parameter's or the gradient's storage (they are updated in place).
     *
     * @param param the parameter
     * @param grad  its gradient
     * @param state the moment tensors (nulls are skipped)
     * @return true when {@link #update} accepts them
     */
    static boolean applies(Tensor param, Tensor grad, Tensor... state) {
        DenseStorage p = param.denseStorage();
        DenseStorage g = grad.denseStorage();
        if (p == null || !fits(param, p, grad, g)) {
            return false;
        }
        for (Tensor s : state) {
            if (s == null) {
                continue;
            }
            DenseStorage run = s.denseStorage();
            if (!fits(param, p, s, run) || run.sharesArrayWith(p) || run.sharesArrayWith(g)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Same dtype, shape and storage offset as the parameter: the loops index every array with one shared
     * index, the form the JIT vectorises (with a separate offset per array it cannot rule out that a store
     * overlaps a later load, and keeps the loop scalar).
     */
    private static boolean fits(Tensor param, DenseStorage p, Tensor t, DenseStorage run) {
        return run != null && run.dtype() == p.dtype() && run.offset() == p.offset()
                && Arrays.equals(t.shape(), param.shape());
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
    static void update(Tensor param, Tensor grad, Tensor m, Tensor v, Tensor vmax, Step step) {
        if (step.amsgrad() != (vmax != null) || !applies(param, grad, m, v, vmax)) {
            throw new IllegalArgumentException("FusedAdam: expected contiguous, separate tensors of the parameter's "
                    + "dtype " + param.dtype() + " and shape " + Arrays.toString(param.shape()) + " (and vmax exactly when "
                    + "amsgrad), got grad " + describe(grad) + ", m " + describe(m) + ", v " + describe(v)
                    + ", vmax " + describe(vmax));
        }
        DenseStorage p = param.writableStorage("FusedAdam");
        DenseStorage g = grad.denseStorage();
        DenseStorage ms = m.denseStorage();
        DenseStorage vs = v.denseStorage();
        DenseStorage vm = vmax == null ? null : vmax.denseStorage();
        if (p.dtype() == DType.FLOAT32) {
            Parallel.forRange(p.length(), 1, (from, to) -> updateFloat(p, g, ms, vs, vm, step, from, to));
        } else {
            Parallel.forRange(p.length(), 1, (from, to) -> updateDouble(p, g, ms, vs, vm, step, from, to));
        }
    }

    private static String describe(Tensor t) {
        return t == null ? "null" : t.dtype() + Arrays.toString(t.shape()) + (t.isContiguous() ? "" : " (strided)");
    }

    /**
     * Float32 parameters: float arithmetic, operation by operation as the formulas read, with the coefficients
     * rounded to float once (as PyTorch updates float32 parameters). The loop is branch-free per element, so
     * the JIT can vectorise it, the square root and the division included.
     */
    private static void updateFloat(DenseStorage param, DenseStorage grad, DenseStorage m, DenseStorage v,
            DenseStorage vmax, Step s, int from, int to) {
        float[] p = param.floats();
        float[] g = grad.floats();
        float[] ms = m.floats();
        float[] vs = v.floats();
        float[] vm = vmax == null ? null : vmax.floats();
        int start = param.offset() + from;
        int end = param.offset() + to;
        float sign = s.maximize() ? -1f : 1f;
        float l2 = s.decoupled() ? 0f : (float) s.weightDecay();
        float decay = s.decoupled() ? (float) (1 - s.lr() * s.weightDecay()) : 1f;
        float w = (float) (1 - s.beta1());
        boolean nearStart = Math.abs(w) < 0.5f;
        float oneMinusW = (float) s.beta1();
        float beta2 = (float) s.beta2();
        float oneMinusBeta2 = (float) (1 - s.beta2());
        float negStep = (float) -s.stepSize();
        float bc2 = (float) s.biasCorrection2Sqrt();
        float eps = (float) s.eps();
        for (int i = start; i < end; i++) {
            float pi = p[i];
            float gi = g[i] * sign;
            gi = l2 == 0f ? gi : gi + pi * l2;
            pi = pi * decay;
            float mPrev = ms[i];
            float mi = nearStart ? mPrev + w * (gi - mPrev) : gi - (gi - mPrev) * oneMinusW;
            float vi = vs[i] * beta2 + (gi * oneMinusBeta2) * gi;
            ms[i] = mi;
            vs[i] = vi;
            if (vm != null) {
                vi = Math.max(vm[i], vi);
                vm[i] = vi;
            }
            p[i] = pi + (negStep * mi) / ((float) Math.sqrt(vi) / bc2 + eps);
        }
    }

    /** Float64 parameters: the same loop in double arithmetic. */
    private static void updateDouble(DenseStorage param, DenseStorage grad, DenseStorage m, DenseStorage v,
            DenseStorage vmax, Step s, int from, int to) {
        double[] p = param.doubles();
        double[] g = grad.doubles();
        double[] ms = m.doubles();
        double[] vs = v.doubles();
        double[] vm = vmax == null ? null : vmax.doubles();
        int start = param.offset() + from;
        int end = param.offset() + to;
        double sign = s.maximize() ? -1 : 1;
        double l2 = s.decoupled() ? 0 : s.weightDecay();
        double decay = s.decoupled() ? 1 - s.lr() * s.weightDecay() : 1;
        double w = 1 - s.beta1();
        boolean nearStart = Math.abs(w) < 0.5;
        double oneMinusW = s.beta1();
        double oneMinusBeta2 = 1 - s.beta2();
        double negStep = -s.stepSize();
        for (int i = start; i < end; i++) {
            double pi = p[i];
            double gi = g[i] * sign;
            gi = l2 == 0 ? gi : gi + pi * l2;
            pi = pi * decay;
            double mPrev = ms[i];
            double mi = nearStart ? mPrev + w * (gi - mPrev) : gi - (gi - mPrev) * oneMinusW;
            double vi = vs[i] * s.beta2() + (gi * oneMinusBeta2) * gi;
            ms[i] = mi;
            vs[i] = vi;
            if (vm != null) {
                vi = Math.max(vm[i], vi);
                vm[i] = vi;
            }
            p[i] = pi + (negStep * mi) / (Math.sqrt(vi) / s.biasCorrection2Sqrt() + s.eps());
        }
    }
}
