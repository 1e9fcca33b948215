/**
 * jinn on Apache Spark: score a table under a model file ({@link dev.jinn.spark.FlowScorer}, a Spark ML
 * {@code Transformer}) and draw samples as a table ({@link dev.jinn.spark.FlowSampler}).
 *
 * <p>Model files are the command line's ({@link dev.jinn.model.ModelFile}): read once on the driver from any
 * Hadoop path, broadcast as bytes, and built into a flow once per executor JVM. Scores and samples come from the
 * same code as {@code jinn score} and {@code jinn sample} ({@link dev.jinn.model.ModelInference}).
 */
package dev.jinn.spark;
