/**
 * Fixed linear maps, FrEIA's {@code fixed_transforms.py}: the channel permutation
 * {@link dev.jinn.flow.linear.PermuteRandom} (numpy-compatible through {@link dev.jinn.flow.linear.MersenneTwister}),
 * {@link dev.jinn.flow.linear.FixedLinearTransform} and {@link dev.jinn.flow.linear.Fixed1x1Conv}; and the learned
 * rotations of FrEIA's {@code orthogonal.py}, {@link dev.jinn.flow.linear.OrthogonalTransform} and
 * {@link dev.jinn.flow.linear.HouseholderPerm}.
 */
package dev.jinn.flow.linear;
