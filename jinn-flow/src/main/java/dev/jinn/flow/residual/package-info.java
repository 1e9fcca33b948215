/**
 * Invertible residual networks: i-ResNets (Behrmann et al. 2019) and Residual Flows (Chen et al. 2019).
 *
 * <p>Building blocks: {@link dev.jinn.flow.residual.SpectralNorm} (dense and convolutional layers with a bounded
 * operator norm), {@link dev.jinn.flow.residual.LipSwish}, {@link dev.jinn.flow.residual.ResidualBranch} (the
 * contraction {@code g}), {@link dev.jinn.flow.residual.FixedPointSolver} (the inverse) and
 * {@link dev.jinn.flow.residual.LogDetMethod} (exact, truncated power series, Russian roulette, Neumann
 * gradient).
 *
 * <p>The invertible module is FrEIA's {@link dev.jinn.flow.residual.IResNetLayer}, an {@code InvertibleModule} for
 * {@code SequenceINN} and graphs. The iResNetLab-style facade {@link dev.jinn.flow.residual.IResNet} is an adapter
 * over it: its blocks ({@link dev.jinn.flow.residual.ResidualBlock}) and chains
 * ({@link dev.jinn.flow.residual.IResNetSequential}) map {@code (x, logP0, logDet0)} to {@code (y, logP, logDet)}
 * by running {@code IResNetLayer}s and iResNetLab's other layers, which are modules of their families
 * ({@code coupling.MaskedAffineCoupling}, {@code linear.Invertible1x1Conv}, {@code norm.InvertibleBatchNorm1d},
 * {@code reshape.PixelShuffle}), in {@code SequenceINN}s.
 */
package dev.jinn.flow.residual;
