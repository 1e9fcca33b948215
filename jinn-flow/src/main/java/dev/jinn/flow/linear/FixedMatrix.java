package dev.jinn.flow.linear;

import dev.jinn.autograd.Grad;
import dev.jinn.tensor.DType;
import dev.jinn.tensor.SignLogAbsDet;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.util.Arrays;

/**
 * The buffers FrEIA keeps for a fixed invertible matrix M: {@code Mᵀ}, {@code (Mᵀ)⁻¹} and {@code ln|det M|},
 * computed once in float64 and stored in M's own dtype (as PyTorch's {@code register_buffer} keeps the dtype it
 * is given).
 *
 * @param transposed        {@code Mᵀ}
 * @param inverseTransposed {@code (Mᵀ)⁻¹}
 * @param logAbsDet         {@code ln|det M|}, 0-dim
 */
record FixedMatrix(Tensor transposed, Tensor inverseTransposed, Tensor logAbsDet) {
    /**
     * Validates M and derives the buffers.
     *
     * @param who the module, for messages
     * @param m   a floating-point {@code d × d} matrix
     * @param d   the required size
     * @return the buffers
     * @throws IllegalArgumentException if M is missing, of the wrong shape or dtype, not finite, or singular
     */
    static FixedMatrix of(String who, Tensor m, int d) {
        if (m == null) {
            throw new IllegalArgumentException(who + ": the matrix M is required");
        }
        if (!Arrays.equals(m.shape(), new int[] {d, d})) {
            throw new IllegalArgumentException(who + ": M must have shape [" + d + ", " + d + "] to match " + d
                    + " channels, got " + Arrays.toString(m.shape()));
        }
        if (!m.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException(who + ": M must be floating point, got " + m.dtype());
        }
        try (var g = Grad.disabled()) {
            Tensor m64 = m.detach().to(DType.FLOAT64);
            for (double v : m64.toDoubleArray()) {
                if (!Double.isFinite(v)) {
                    throw new IllegalArgumentException(who + ": M has a non-finite entry: " + m64);
                }
            }
            SignLogAbsDet sld = m64.slogdet();
            double logAbsDet = sld.logAbsDet().item();
            if (sld.sign().item() == 0 || !Double.isFinite(logAbsDet)) {
                throw new IllegalArgumentException(who + ": M is singular (log|det M| = " + logAbsDet
                        + "), so the transform is not invertible");
            }
            Tensor t = m64.t().contiguous();
            DType dtype = m.dtype();
            return new FixedMatrix(t.to(dtype), t.inverse().to(dtype), Tensors.scalar(logAbsDet, dtype));
        }
    }

    /**
     * A buffer in the dtype of the data it is applied to: a fixed matrix follows the data, so float32 inputs
     * give float32 outputs whatever dtype M was given in.
     *
     * @param buffer the stored tensor
     * @param data   the input
     * @return the buffer, converted if needed
     */
    static Tensor like(Tensor buffer, Tensor data) {
        return buffer.dtype() == data.dtype() ? buffer : buffer.to(data.dtype());
    }
}
