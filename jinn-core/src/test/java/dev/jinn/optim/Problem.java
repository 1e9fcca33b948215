package dev.jinn.optim;

import dev.jinn.tensor.DType;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.util.ArrayList;
import java.util.List;

/**
 * A fixed test problem with two parameters (shapes [3] and [2, 2]) whose gradients are given in closed form,
 * {@code g = a ⊙ (p − c) + 0.1 p³} element by element, so that the test controls every bit of each gradient.
 */
final class Problem {
    static final double[][] INIT = {{0.5, -1.25, 2.0}, {1.5, -0.75, 0.25, -2.0}};
    static final int[][] SHAPES = {{3}, {2, 2}};
    private static final double[][] A = {{1.0, 3.0, 0.5}, {2.0, 0.25, 1.5, 4.0}};
    private static final double[][] C = {{1.0, 2.0, -1.0}, {-0.5, 0.125, 3.0, 1.0}};

    private Problem() {
    }

    /** The gradient of parameter {@code k} at {@code p}, in plain double arithmetic. */
    static double[] grad(int k, double[] p) {
        double[] g = new double[p.length];
        for (int i = 0; i < p.length; i++) {
            g[i] = A[k][i] * (p[i] - C[k][i]) + 0.1 * p[i] * p[i] * p[i];
        }
        return g;
    }

    /** Fresh parameters at the initial point. */
    static List<Tensor> params(DType dtype) {
        List<Tensor> ps = new ArrayList<>();
        for (int k = 0; k < INIT.length; k++) {
            ps.add(Tensors.of(INIT[k].clone(), SHAPES[k]).to(dtype).requiresGrad(true));
        }
        return ps;
    }

    /** Deep copy of the initial point. */
    static double[][] init() {
        double[][] p = new double[INIT.length][];
        for (int k = 0; k < INIT.length; k++) {
            p[k] = INIT[k].clone();
        }
        return p;
    }

    /**
     * Sets {@code param.grad()} to exactly {@code g}: backward of {@code sum(param ⊙ g)} gives {@code 1 · g}.
     */
    static void setGrad(Tensor param, double[] g) {
        param.zeroGrad();
        param.mul(Tensors.of(g, param.shape()).to(param.dtype())).sum().backward();
    }

    /** Sets the gradient of every parameter from its current value. */
    static void setGrads(List<Tensor> params) {
        for (int k = 0; k < params.size(); k++) {
            setGrad(params.get(k), grad(k, params.get(k).toDoubleArray()));
        }
    }
}
