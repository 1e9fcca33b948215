package dev.jinn.cli;

import dev.jinn.model.Architecture;

/**
 * The architecture a training run builds: its family, size, and whether it trains with memory-saving
 * backprop (a training-time choice that the model file does not need to reproduce the model).
 *
 * @param architecture the block family
 * @param blocks       the number of blocks, at least 1
 * @param hidden       the subnets' width, at least 1
 * @param bins         the spline bins of {@code nsf}
 * @param memorySaving whether the blocks rebuild their inputs by inversion instead of keeping activations
 */
record ModelChoice(Architecture architecture, int blocks, int hidden, int bins, boolean memorySaving) {
}
