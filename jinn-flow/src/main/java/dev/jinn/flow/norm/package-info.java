/**
 * Normalisation modules: {@link dev.jinn.flow.norm.ActNorm}, the data-initialised per-channel affine map, and
 * {@link dev.jinn.flow.norm.InvertibleBatchNorm1d}, which normalises each training batch by its own statistics.
 */
package dev.jinn.flow.norm;
