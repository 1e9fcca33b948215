/**
 * Autoregressive flows for tabular data: {@link dev.jinn.flow.autoregressive.MADE} (masked MLPs whose output for
 * a dimension sees only the dimensions before it in a chosen {@link dev.jinn.flow.autoregressive.InputOrder}),
 * and the transforms built on it — {@link dev.jinn.flow.autoregressive.MaskedAffineAutoregressive} (MAF,
 * Papamakarios et al. 2017: density in one pass), {@link dev.jinn.flow.autoregressive.InverseAutoregressiveFlow}
 * (IAF: sampling in one pass) and {@link dev.jinn.flow.autoregressive.MaskedRationalQuadraticAutoregressive}
 * (autoregressive neural spline flow, Durkan et al. 2019). Each is an {@code InvertibleModule} for
 * {@code SequenceINN} and {@code GraphINN}, conditional through MADE's context inputs.
 */
package dev.jinn.flow.autoregressive;
