package dev.jinn.optim;

import dev.jinn.autograd.Grad;
import dev.jinn.tensor.DType;
import dev.jinn.tensor.Tensor;
import java.util.List;

/**
 * Gradient clipping, as PyTorch's {@code torch.nn.utils.clip_grad_norm_} and {@code clip_grad_value_}. Both
 * change the gradients ({@link Tensor#grad()}) in place and skip parameters without a gradient; call them after
 * {@code backward()} and before {@link Optimizer#step()}.
 */
public final class GradClip {
    private GradClip() {
    }

    /**
     * Scales all gradients together so that their total norm is at most {@code maxNorm}:
     *
     * <pre>
     * total     = ‖(‖g_1‖, …, ‖g_k‖)‖        (the p-norm of all gradient elements as one vector)
     * clip_coef = maxNorm / (total + 1e-6)
     * g_i       = g_i · clip_coef             only if clip_coef &lt; 1
     * </pre>
     *
     * <p>The norms are accumulated in float64 (PyTorch uses the gradients' dtype); scaling happens in each
     * gradient's dtype. When the total norm is NaN or infinite: with {@code errorIfNonfinite} an
     * {@link IllegalStateException} naming the norm is thrown; otherwise the gradients are left <em>unchanged</em>
     * (PyTorch would multiply them by NaN or 0) and the norm is returned, so the caller can test it with
     * {@link Double#isFinite} and skip the optimizer step.
     *
     * @param params           the parameters whose gradients to clip (those without one are ignored)
     * @param maxNorm          the largest allowed total norm, &ge; 0
     * @param normType         2 (Euclidean) or {@code Double.POSITIVE_INFINITY} (largest absolute value)
     * @param errorIfNonfinite throw when the total norm is NaN or infinite
     * @return the total norm of the gradients before clipping (0 when none has a gradient)
     * @throws IllegalArgumentException for a negative or NaN {@code maxNorm} or another norm type
     * @throws IllegalStateException    for a non-finite norm when {@code errorIfNonfinite}
     */
    public static double clipGradNorm(List<Tensor> params, double maxNorm, double normType,
            boolean errorIfNonfinite) {
        if (!(maxNorm >= 0)) {
            throw new IllegalArgumentException("clipGradNorm: maxNorm must be >= 0, got " + maxNorm);
        }
        boolean inf = normType == Double.POSITIVE_INFINITY;
        if (!inf && normType != 2) {
            throw new IllegalArgumentException("clipGradNorm: normType must be 2 or infinity, got " + normType);
        }
        double total;
        try (Grad.Scope s = Grad.disabled()) {
            double acc = 0;
            for (Tensor p : params) {
                Tensor g = p.grad();
                if (g == null || g.numel() == 0) {
                    continue;
                }
                double n = g.to(DType.FLOAT64).norm(normType, new int[0], false).item();
                if (inf) {
                    acc = Double.isNaN(n) || Double.isNaN(acc) ? Double.NaN : Math.max(acc, n);
                } else {
                    acc += n * n;
                }
            }
            total = inf ? acc : Math.sqrt(acc);
            if (!Double.isFinite(total)) {
                if (errorIfNonfinite) {
                    throw new IllegalStateException("clipGradNorm: the total norm of order " + normType
                            + " of the gradients is non-finite (" + total + "), so they cannot be clipped; "
                            + "pass errorIfNonfinite = false to leave them unchanged and skip the step instead");
                }
                return total;
            }
            double clipCoef = maxNorm / (total + 1e-6);
            if (clipCoef < 1) {
                for (Tensor p : params) {
                    Tensor g = p.grad();
                    if (g != null) {
                        g.copyFrom(g.mul(clipCoef));
                    }
                }
            }
        }
        return total;
    }

    /**
     * {@link #clipGradNorm(List, double, double, boolean)} with the Euclidean norm, leaving gradients unchanged
     * (and returning the norm) when it is not finite.
     *
     * @param params  the parameters whose gradients to clip
     * @param maxNorm the largest allowed total norm
     * @return the total norm before clipping
     */
    public static double clipGradNorm(List<Tensor> params, double maxNorm) {
        return clipGradNorm(params, maxNorm, 2, false);
    }

    /**
     * Clamps every gradient element into {@code [-clipValue, clipValue]} (NaN stays NaN).
     *
     * @param params    the parameters whose gradients to clip (those without one are ignored)
     * @param clipValue the bound, &ge; 0
     * @throws IllegalArgumentException for a negative or NaN bound
     */
    public static void clipGradValue(List<Tensor> params, double clipValue) {
        if (!(clipValue >= 0)) {
            throw new IllegalArgumentException("clipGradValue: clipValue must be >= 0, got " + clipValue);
        }
        try (Grad.Scope s = Grad.disabled()) {
            for (Tensor p : params) {
                Tensor g = p.grad();
                if (g != null) {
                    g.copyFrom(g.clamp(-clipValue, clipValue));
                }
            }
        }
    }
}
