package dev.jinn.flow.autoregressive;

import dev.jinn.flow.FlowResult;
import dev.jinn.tensor.Tensor;

/**
 * The invertible map an autoregressive transform applies to each dimension, {@code u_d = g(v_d; θ_d)}, with the
 * parameters {@code θ_d} that MADE computed from the dimensions before d.
 */
interface ElementwiseMap {
    /**
     * The number of raw parameters per dimension, k.
     *
     * @return k
     */
    int parametersPerValue();

    /**
     * Applies the map or its inverse to every dimension.
     *
     * @param x       the values {@code [B, D]}
     * @param raw     MADE's outputs {@code [B, D·k]}, column {@code d·k + p} being parameter p of dimension d
     * @param reverse whether to apply the inverse
     * @return the mapped values and the per-sample log-det {@code [B]} of the applied map
     */
    FlowResult apply(Tensor x, Tensor raw, boolean reverse);

    /**
     * The map's name for messages and {@code describe()}.
     *
     * @return e.g. {@code affine} or {@code rational-quadratic spline (8 bins)}
     */
    String describe();
}
