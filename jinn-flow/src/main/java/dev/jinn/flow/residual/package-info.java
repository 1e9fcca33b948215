/**
 * Invertible residual networks: i-ResNets (Behrmann et al. 2019) and Residual Flows (Chen et al. 2019).
 *
 * <p>Building blocks: {@link dev.jinn.flow.residual.SpectralNorm} (dense and convolutional layers with a bounded
 * operator norm), {@link dev.jinn.flow.residual.LipSwish}, {@link dev.jinn.flow.residual.ResidualBranch} (the
 * contraction {@code g}), {@link dev.jinn.flow.residual.FixedPointSolver} (the inverse) and
 * {@link dev.jinn.flow.residual.LogDetMethod} (exact, truncated power series, Russian roulette, Neumann
 * gradient).
 *
 * <p>Two faces: FrEIA's {@link dev.jinn.flow.residual.IResNetLayer}, an {@code InvertibleModule} for
 * {@code SequenceINN} and graphs, and the iResNetLab-style facade {@link dev.jinn.flow.residual.IResNet}, whose
 * modules map {@code (x, logP0, logDet0)} to {@code (y, logP, logDet)}.
 */
package dev.jinn.flow.residual;
