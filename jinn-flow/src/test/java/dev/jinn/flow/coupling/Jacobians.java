package dev.jinn.flow.coupling;

import dev.jinn.autograd.Grad;
import dev.jinn.flow.InvertibleModule;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.util.List;

/** Exact per-sample Jacobians of a one-input module, by autograd, for tests that look inside the Jacobian. */
final class Jacobians {
    private Jacobians() {
    }

    /**
     * {@code J[s][i][j] = ∂y_i/∂x_j} for sample s, inputs and outputs flattened per sample.
     *
     * @param m a module with one input and one output
     * @param x float64 input batch
     * @param c conditions
     * @return the Jacobians
     */
    static double[][][] of(InvertibleModule m, Tensor x, List<Tensor> c) {
        Tensor xs = x.detach().requiresGrad(true);
        int b = x.size(0);
        int d = x.numel() / b;
        double[][][] jac = new double[b][d][d];
        try (var g = Grad.enabled()) {
            Tensor y = m.forward(List.of(xs), c, false, false).output().reshape(b, -1);
            for (int i = 0; i < d; i++) {
                double[] onehot = new double[b * d];
                for (int s = 0; s < b; s++) {
                    onehot[s * d + i] = 1;
                }
                double[] row = Grad.grad(List.of(y), List.of(xs), List.of(Tensors.of(onehot, b, d)), false, true)
                        .get(0).reshape(b, -1).toDoubleArray();
                for (int s = 0; s < b; s++) {
                    System.arraycopy(row, s * d, jac[s][i], 0, d);
                }
            }
        }
        return jac;
    }

    /**
     * {@code log|det|} of a square matrix given by rows, or of the sub-block picked by {@code index}.
     *
     * @param a     the matrix
     * @param index the rows and columns to keep
     * @return the log of the absolute determinant
     */
    static double logAbsDet(double[][] a, int... index) {
        int n = index.length;
        double[] flat = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                flat[i * n + j] = a[index[i]][index[j]];
            }
        }
        return Tensors.of(flat, n, n).slogdet().logAbsDet().item();
    }

    /**
     * Every index of a dimension.
     *
     * @param n the dimension
     * @return {@code 0..n-1}
     */
    static int[] all(int n) {
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        return idx;
    }
}
