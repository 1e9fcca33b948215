/**
 * Inference without autograd: a flow's forward and inverse passes and its log-likelihood over large batches,
 * split into fixed blocks of rows that the shared pool's threads run side by side ({@link
 * dev.jinn.flow.inference.BatchInference}). What {@code jinn score} and {@code jinn sample} run.
 */
package dev.jinn.flow.inference;
