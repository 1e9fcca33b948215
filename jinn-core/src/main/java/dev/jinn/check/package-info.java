/**
 * Argument checks shared by every builder and options type of jinn: one place that words the error a caller gets
 * for a value out of range ({@code "IResNetLayer: jacobian_iterations must be >= 1, got 0"}), so that each setter is
 * one assignment and every module rejects bad settings in the same words.
 */
package dev.jinn.check;
