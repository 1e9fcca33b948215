/**
 * Fixed linear maps, FrEIA's {@code fixed_transforms.py}: the channel permutation
 * {@link dev.jinn.flow.linear.PermuteRandom} (numpy-compatible through {@link dev.jinn.flow.linear.MersenneTwister}),
 * {@link dev.jinn.flow.linear.FixedLinearTransform} and {@link dev.jinn.flow.linear.Fixed1x1Conv}.
 */
package dev.jinn.flow.linear;
