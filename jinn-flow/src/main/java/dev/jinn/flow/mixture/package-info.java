/**
 * FrEIA's {@code GaussianMixtureModel}: an invertible Gaussian mixture whose parameters are conditions, with the
 * helpers for training mixture density networks through it.
 */
package dev.jinn.flow.mixture;
