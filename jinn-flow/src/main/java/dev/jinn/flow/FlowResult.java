package dev.jinn.flow;

import dev.jinn.check.Require;
import dev.jinn.tensor.Tensor;
import java.util.List;

/**
 * What an invertible map returns: its outputs and the per-sample log-Jacobian-determinant.
 *
 * <p>Forward, {@code logDet} is {@code log|det ∂f/∂x|}; in reverse it is the log-determinant of the inverse map
 * at its input, i.e. minus the forward value at the recovered point. When the caller asked for no log-det,
 * the framework fills in zeros, as FrEIA does.
 *
 * @param outputs the output tensors, batch axis first
 * @param logDet  shape {@code [B]}; a module may return a 0-dim or one-element tensor (broadcast by the
 *                framework), or null when the log-det was not requested
 */
public record FlowResult(List<Tensor> outputs, Tensor logDet) {
    /**
     * Copies the output list.
     *
     * @param outputs the outputs
     * @param logDet  the log-det
     */
    public FlowResult {
        Require.nonNull(outputs, "FlowResult: outputs");
        outputs = List.copyOf(outputs);
    }

    /**
     * A result with one output.
     *
     * @param output the output
     * @param logDet the log-det
     * @return the result
     */
    public static FlowResult of(Tensor output, Tensor logDet) {
        return new FlowResult(List.of(output), logDet);
    }

    /**
     * The only output.
     *
     * @return the output tensor
     * @throws IllegalStateException if there is not exactly one output
     */
    public Tensor output() {
        if (outputs.size() != 1) {
            throw new IllegalStateException("FlowResult.output(): the result has " + outputs.size()
                    + " outputs; use outputs() or output(k)");
        }
        return outputs.get(0);
    }

    /**
     * One output.
     *
     * @param k 0-based
     * @return the k-th output
     */
    public Tensor output(int k) {
        return outputs.get(k);
    }
}
