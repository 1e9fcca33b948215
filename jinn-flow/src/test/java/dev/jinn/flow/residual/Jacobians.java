package dev.jinn.flow.residual;

import dev.jinn.autograd.Grad;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.util.List;
import java.util.function.UnaryOperator;

/** Brute-force per-sample Jacobians by autograd, for checking log-dets (float64, samples must not interact). */
final class Jacobians {
    private Jacobians() {
    }

    /**
     * {@code log|det ∂f(x)_b/∂x_b|} for every sample b, from the full Jacobian built one output value at a time.
     *
     * @param f a map from batches to batches of the same per-sample size
     * @param x the batch
     * @return one value per sample
     */
    static double[] logAbsDet(UnaryOperator<Tensor> f, Tensor x) {
        int b = x.size(0);
        int d = x.numel() / b;
        try (var s = Grad.enabled()) {
            Tensor xt = x.detach().requiresGrad(true);
            Tensor y = f.apply(xt).reshape(b, -1);
            if (y.size(1) != d) {
                throw new AssertionError("the map changes the sample size from " + d + " to " + y.size(1));
            }
            double[] all = new double[b * d * d];
            for (int i = 0; i < d; i++) {
                double[] seed = new double[b * d];
                for (int k = 0; k < b; k++) {
                    seed[k * d + i] = 1;
                }
                double[] row = Grad.grad(List.of(y), List.of(xt), List.of(Tensors.of(seed, b, d)), false, true).get(0)
                        .toDoubleArray();
                for (int k = 0; k < b; k++) {
                    System.arraycopy(row, k * d, all, k * d * d + i * d, d);
                }
            }
            return Tensors.of(all, b, d, d).slogdet().logAbsDet().toDoubleArray();
        }
    }
}
