package dev.jinn.flow.coupling;

import dev.jinn.tensor.Tensor;

/**
 * The activation {@code Ψ} that turns {@link AllInOneBlock}'s learned pre-activation {@code global_scale = g}
 * into its per-channel global scale {@code Ψ(g) > 0} (FrEIA's {@code global_affine_type}), with the
 * initial {@code g} chosen so that {@code Ψ(g) = global_affine_init}.
 *
 * <table>
 *   <caption>Ψ and its initial pre-activation</caption>
 *   <tr><th>type</th><th>Ψ(a)</th><th>g for Ψ(g) = init</th><th>valid init</th></tr>
 *   <tr><td>{@link #SIGMOID}</td><td>{@code 10·σ(a − 2)}</td><td>{@code 2 − ln(10/init − 1)}</td>
 *       <td>{@code 0 < init < 10}</td></tr>
 *   <tr><td>{@link #SOFTPLUS}</td><td>{@code 0.1·softplus_β=0.5(a) = 0.2·ln(1 + e^{a/2})}, and {@code 0.1·a}
 *       where {@code a/2 > 20} (PyTorch's threshold)</td><td>{@code 2·ln(e^{5·init} − 1)}</td>
 *       <td>{@code init > 0}</td></tr>
 *   <tr><td>{@link #EXP}</td><td>{@code e^a}</td><td>{@code ln(init)}</td><td>{@code init > 0}</td></tr>
 * </table>
 * FrEIA silently produces NaN for an init outside the valid range; jinn rejects it.
 */
public enum GlobalAffineType {
    /** {@code Ψ(a) = 10·σ(a − 2)}: bounded in (0, 10). */
    SIGMOID {
        @Override
        public Tensor activate(Tensor a) {
            return a.sub(2.0).sigmoid().mul(10.0);
        }

        @Override
        public double preActivation(double init) {
            requireInit(name(), init, init > 0 && init < 10, "0 < init < 10");
            return 2.0 - Math.log(10.0 / init - 1.0);
        }
    },
    /** {@code Ψ(a) = 0.1·softplus(a; β = 0.5, threshold 20)}: FrEIA's default. */
    SOFTPLUS {
        @Override
        public Tensor activate(Tensor a) {
            return a.softplus(0.5, 20.0).mul(0.1);
        }

        @Override
        public double preActivation(double init) {
            requireInit(name(), init, init > 0, "init > 0");
            double y = 5.0 * init;
            // ln(e^y − 1), written so that it neither overflows for large y nor cancels for small y.
            return 2.0 * (y > 1 ? y + Math.log1p(-Math.exp(-y)) : Math.log(Math.expm1(y)));
        }
    },
    /** {@code Ψ(a) = e^a}. */
    EXP {
        @Override
        public Tensor activate(Tensor a) {
            return a.exp();
        }

        @Override
        public double preActivation(double init) {
            requireInit(name(), init, init > 0, "init > 0");
            return Math.log(init);
        }
    };

    /**
     * The global scale for a pre-activation.
     *
     * @param a the pre-activation {@code global_scale}
     * @return {@code Ψ(a)}, elementwise
     */
    public abstract Tensor activate(Tensor a);

    /**
     * The pre-activation whose scale is {@code init}.
     *
     * @param init the wanted initial global scale ({@code global_affine_init})
     * @return {@code g} with {@code Ψ(g) = init}
     * @throws IllegalArgumentException when no finite {@code g} gives {@code init}
     */
    public abstract double preActivation(double init);

    private static void requireInit(String type, double init, boolean ok, String range) {
        if (!ok || !Double.isFinite(init)) {
            throw new IllegalArgumentException("global_affine_init must satisfy " + range + " for global affine type "
                    + type + ", got " + init);
        }
    }
}
