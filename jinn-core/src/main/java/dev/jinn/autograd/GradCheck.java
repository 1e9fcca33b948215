package dev.jinn.autograd;

import dev.jinn.check.Require;
import dev.jinn.tensor.DType;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Checks analytic gradients against central finite differences in float64, for jinn's own operations and
 * for users' modules and {@link Function}s.
 *
 * <p>Every input that {@link Tensor#requiresGrad() requires a gradient} is checked element by element: the
 * Jacobian column from {@code (f(x + εeᵢ) - f(x - εeᵢ)) / 2ε} must match the one from backward within
 * {@code atol + rtol·|numeric|}. With {@link #secondOrder(boolean)} the backward pass itself is checked the same
 * way (gradients of gradients, through {@link Grad#grad} with {@code createGraph}).
 *
 * <pre>{@code
 * Tensor x = Tensors.randn(rng, DType.FLOAT64, 3, 4).requiresGrad(true);
 * GradCheck.check(in -> in[0].tanh().sum(1), x);
 * GradCheck.withTolerances(1e-6, 1e-4).secondOrder(true).verify(in -> in[0].exp(), x);
 * }</pre>
 *
 * @param eps         the finite-difference step
 * @param atol        the absolute tolerance
 * @param rtol        the relative tolerance
 * @param secondOrder whether the backward pass is checked too
 */
public record GradCheck(double eps, double atol, double rtol, boolean secondOrder) {
    /** A function of tensors to check. */
    @FunctionalInterface
    public interface TensorFn {
        /**
         * Evaluates the function.
         *
         * @param inputs the inputs, in the order given to the check
         * @return the output (any shape)
         */
        Tensor apply(Tensor[] inputs);
    }

    /**
     * A checker with these settings (see {@link #defaults()} and the copies it makes).
     *
     * @param eps         the finite-difference step, positive
     * @param atol        the absolute tolerance, at least 0
     * @param rtol        the relative tolerance, at least 0
     * @param secondOrder whether the backward pass is checked too
     */
    public GradCheck {
        Require.positive(eps, "GradCheck: eps");
        Require.nonNegative(atol, "GradCheck: atol");
        Require.nonNegative(rtol, "GradCheck: rtol");
    }

    /**
     * A checker with step 1e-6 and PyTorch's default tolerances (atol 1e-5, rtol 1e-3).
     *
     * @return the checker
     */
    public static GradCheck defaults() {
        return new GradCheck(1e-6, 1e-5, 1e-3, false);
    }

    /**
     * A checker with the given tolerances.
     *
     * @param atol absolute tolerance
     * @param rtol relative tolerance
     * @return the checker
     */
    public static GradCheck withTolerances(double atol, double rtol) {
        return new GradCheck(1e-6, atol, rtol, false);
    }

    /**
     * The same checker with another finite-difference step.
     *
     * @param step the step ε
     * @return the checker
     */
    public GradCheck eps(double step) {
        return new GradCheck(step, atol, rtol, secondOrder);
    }

    /**
     * The same checker, also checking second derivatives when {@code enabled}.
     *
     * @param enabled check gradients of gradients too
     * @return the checker
     */
    public GradCheck secondOrder(boolean enabled) {
        return new GradCheck(eps, atol, rtol, enabled);
    }

    /**
     * Checks first derivatives with the default settings.
     *
     * @param fn     the function
     * @param inputs float64 inputs; those requiring a gradient are checked
     * @throws AssertionError naming the input, element and both values at the first mismatch
     */
    public static void check(TensorFn fn, Tensor... inputs) {
        defaults().verify(fn, inputs);
    }

    /**
     * Checks first (and, if enabled, second) derivatives.
     *
     * @param fn     the function
     * @param inputs float64 inputs; those requiring a gradient are checked
     * @throws AssertionError naming the input, element and both values at the first mismatch
     */
    public void verify(TensorFn fn, Tensor... inputs) {
        // The check records whatever the caller's mode, e.g. when called inside Grad.disabled().
        try (Grad.Scope s = Grad.enabled()) {
            checkFirstOrder(fn, inputs, "");
            if (secondOrder) {
                checkSecondOrder(fn, inputs);
            }
        }
    }

    private void checkFirstOrder(TensorFn fn, Tensor[] inputs, String label) {
        List<Integer> checked = new ArrayList<>();
        for (int i = 0; i < inputs.length; i++) {
            if (inputs[i].dtype() != DType.FLOAT64) {
                throw new IllegalArgumentException("GradCheck: input " + i + " is " + inputs[i].dtype()
                        + "; gradient checks need float64 inputs");
            }
            if (inputs[i].requiresGrad()) {
                checked.add(i);
            }
        }
        if (checked.isEmpty()) {
            throw new IllegalArgumentException("GradCheck: no input requires a gradient, nothing to check");
        }
        Tensor y = fn.apply(inputs);
        if (y.dtype() != DType.FLOAT64) {
            throw new IllegalArgumentException("GradCheck: the function returned " + y.dtype() + "; need float64");
        }
        int outs = y.numel();
        List<Tensor> wrt = new ArrayList<>();
        for (int i : checked) {
            wrt.add(inputs[i]);
        }
        // analytic[c][k][j]: d y_k / d x_(checked c), element j
        double[][][] analytic = new double[checked.size()][outs][];
        for (int k = 0; k < outs; k++) {
            double[] onehot = new double[outs];
            onehot[k] = 1;
            List<Tensor> seed = List.of(Tensors.of(onehot).reshape(y.shape()));
            List<Tensor> grads = y.requiresGrad()
                    ? Grad.grad(List.of(y), wrt, seed, false, true)
                    : zeros(wrt);
            for (int c = 0; c < checked.size(); c++) {
                analytic[c][k] = grads.get(c).toDoubleArray();
            }
        }
        for (int c = 0; c < checked.size(); c++) {
            int which = checked.get(c);
            double[] base = inputs[which].toDoubleArray();
            for (int j = 0; j < base.length; j++) {
                double[] plus = perturbed(fn, inputs, which, base, j, eps);
                double[] minus = perturbed(fn, inputs, which, base, j, -eps);
                for (int k = 0; k < outs; k++) {
                    double numeric = (plus[k] - minus[k]) / (2 * eps);
                    double a = analytic[c][k][j];
                    boolean ok = Math.abs(a - numeric) <= atol + rtol * Math.abs(numeric)
                            || (Double.isNaN(a) && Double.isNaN(numeric));
                    if (!ok) {
                        throw new AssertionError("GradCheck" + label + ": d output[" + k + "] / d input " + which
                                + "[" + j + "] (input shape " + Arrays.toString(inputs[which].shape())
                                + ", output shape " + Arrays.toString(y.shape()) + "): analytic " + a
                                + " vs numeric " + numeric + " (atol " + atol + ", rtol " + rtol + ")");
                    }
                }
            }
        }
    }

    private static List<Tensor> zeros(List<Tensor> like) {
        List<Tensor> z = new ArrayList<>();
        for (Tensor t : like) {
            z.add(Tensors.zerosLike(t));
        }
        return z;
    }

    /**
     * f(inputs with element j of input {@code which} moved by {@code delta}), flattened. Recording is on and the
     * moved input requires a gradient, exactly as in the analytic pass: f may differentiate internally (a
     * gradient penalty, the second-order check's vector-Jacobian product), which needs a recorded graph.
     */
    private static double[] perturbed(TensorFn fn, Tensor[] inputs, int which, double[] base, int j, double delta) {
        double[] moved = base.clone();
        moved[j] += delta;
        Tensor[] args = inputs.clone();
        Tensor replacement = Tensors.of(moved).reshape(inputs[which].shape()).requiresGrad(true);
        // The same tensor passed at several positions is one variable: move it everywhere, as backward sees it.
        for (int i = 0; i < inputs.length; i++) {
            if (inputs[i] == inputs[which]) {
                args[i] = replacement;
            }
        }
        try (Grad.Scope s = Grad.enabled()) {
            return fn.apply(args).toDoubleArray();
        }
    }

    /**
     * Checks the backward pass as a function of the inputs and of a random output gradient: the map
     * {@code (x, v) -> vᵀ ∂f/∂x} must itself have correct derivatives.
     */
    private void checkSecondOrder(TensorFn fn, Tensor[] inputs) {
        Tensor y0;
        try (Grad.Scope s = Grad.disabled()) {
            y0 = fn.apply(inputs);
        }
        Rng rng = new Rng(1234);
        Tensor v = Tensors.randn(rng, DType.FLOAT64, y0.shape()).requiresGrad(true);
        int n = inputs.length;
        Tensor[] all = Arrays.copyOf(inputs, n + 1);
        all[n] = v;
        TensorFn vjp = args -> {
            Tensor[] xs = Arrays.copyOf(args, n);
            Tensor y = fn.apply(xs);
            List<Tensor> wrt = new ArrayList<>();
            for (Tensor x : xs) {
                if (x.requiresGrad()) {
                    wrt.add(x);
                }
            }
            List<Tensor> grads = y.requiresGrad() ? Grad.grad(List.of(y), wrt, List.of(args[n]), true) : zeros(wrt);
            List<Tensor> flat = new ArrayList<>();
            for (Tensor g : grads) {
                flat.add(g.reshape(-1));
            }
            return Tensor.cat(flat, 0);
        };
        checkFirstOrder(vjp, all, " (second order)");
    }
}
