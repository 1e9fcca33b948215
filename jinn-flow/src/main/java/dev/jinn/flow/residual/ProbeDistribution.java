package dev.jinn.flow.residual;

import dev.jinn.tensor.DType;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;

/**
 * The distribution of the probe vectors {@code v} of Hutchinson's trace estimator {@code tr(A) ≈ vᵀAv}; both have
 * {@code E[vvᵀ] = I}, so the estimate is unbiased. Rademacher probes (±1) have the smaller variance
 * ({@code 2Σ_{i≠j} A_ij²} against {@code 2‖A‖_F²} for symmetric A) and give the exact trace of a diagonal matrix.
 */
public enum ProbeDistribution {
    /** Independent ±1 entries with equal probability. */
    RADEMACHER,
    /** Independent standard normal entries. */
    GAUSSIAN;

    /**
     * Draws one probe tensor.
     *
     * @param rng   the generator
     * @param dtype the dtype
     * @param shape the shape
     * @return the probe
     */
    public Tensor sample(Rng rng, DType dtype, int... shape) {
        if (this == GAUSSIAN) {
            return Tensors.randn(rng, dtype, shape);
        }
        return Tensors.randint(rng, 0, 2, shape).to(dtype).mul(2.0).sub(1.0);
    }
}
