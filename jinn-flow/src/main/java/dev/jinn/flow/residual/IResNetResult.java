package dev.jinn.flow.residual;

import dev.jinn.tensor.Tensor;

/**
 * What an iResNetLab-style module returns: its output and the two accumulated per-sample terms of the log
 * density, {@code (y, log_p, log_det_J)}.
 *
 * @param y      the output
 * @param logP   the log-density accumulated from features abandoned so far (input {@code logP0} plus this
 *               module's), shape {@code [B]}
 * @param logDet the log-Jacobian-determinant accumulated so far (input {@code logDet0} plus this module's),
 *               shape {@code [B]}
 */
public record IResNetResult(Tensor y, Tensor logP, Tensor logDet) {
}
