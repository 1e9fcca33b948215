/**
 * Normalisation modules: {@link dev.jinn.flow.norm.ActNorm}, the data-initialised per-channel affine map.
 */
package dev.jinn.flow.norm;
