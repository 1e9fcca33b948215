/**
 * Fixed linear maps, FrEIA's {@code fixed_transforms.py}: the channel permutation
 * {@link dev.jinn.flow.linear.PermuteRandom} (numpy-compatible through {@link dev.jinn.flow.linear.MersenneTwister}),
 * {@link dev.jinn.flow.linear.FixedLinearTransform} and {@link dev.jinn.flow.linear.Fixed1x1Conv}; and the learned
 * rotations of FrEIA's {@code orthogonal.py}, {@link dev.jinn.flow.linear.OrthogonalTransform} and
 * {@link dev.jinn.flow.linear.HouseholderPerm}; Glow's learned 1×1 convolution
 * {@link dev.jinn.flow.linear.Invertible1x1Conv} (LU parameterisation).
 */
package dev.jinn.flow.linear;
