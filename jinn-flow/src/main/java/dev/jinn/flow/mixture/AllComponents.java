package dev.jinn.flow.mixture;

import dev.jinn.tensor.Tensor;

/**
 * A Gaussian mixture applied with every component at once: one output and one log-det per sample and component.
 *
 * @param output  {@code [B, K, d]}: the latent code (forward) or data point (reverse) of each component
 * @param logDet  {@code [B, K]}: the log-det of each component's map (negated in reverse)
 */
public record AllComponents(Tensor output, Tensor logDet) {
}
