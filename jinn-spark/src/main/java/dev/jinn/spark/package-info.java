/**
 * jinn on Apache Spark: score a table under a model file ({@link dev.jinn.spark.FlowScorer}, a Spark ML
 * {@code Transformer}), draw samples as a table ({@link dev.jinn.spark.FlowSampler}), and train a flow
 * data-parallel on a table ({@link dev.jinn.spark.DistributedTrainer}).
 *
 * <p>Model files are the command line's ({@link dev.jinn.model.ModelFile}): read once on the driver from any
 * Hadoop path, broadcast as bytes, and built into a flow once per executor JVM. Scores and samples come from the
 * same code as {@code jinn score} and {@code jinn sample} ({@link dev.jinn.model.ModelInference}).
 *
 * <h2>Why a driver loop with {@code treeAggregate}, not barrier mode</h2>
 *
 * <p>Each training step is one Spark job: the driver broadcasts its weights and the step's seed, every cached
 * partition computes the gradient of its own batch, {@code treeAggregate} sums the gradients (weighted by batch
 * size) up a tree to the driver, and the driver's {@link dev.jinn.train.Trainer} applies one update
 * ({@code applyGradients}: clipping, optimizer, schedule, checkpoints). Barrier execution mode would keep one
 * stage alive for the whole run and save the job start-up of every step, but its only collective,
 * {@code BarrierTaskContext.allGather}, passes strings through the driver's coordinator and hands every task
 * every other task's message: P gradients encoded as text, P² copies moved per step, where the tree moves each
 * gradient once as doubles. And a barrier stage is all or nothing: one failed task restarts every task, so a
 * fault would cost the run back to its last checkpoint, while here Spark retries the one failed task, which
 * recomputes the same gradient from the same broadcast weights and seed. The update is applied once, on the
 * driver, after the aggregation succeeded, so a retry can neither skip nor repeat a step. What this costs is the
 * job start-up per step; {@code ./bench spark} measures the step time against single-JVM training.
 *
 * <p>The table is read once: {@code mapPartitionsWithIndex} turns each partition into one cached object of
 * rows (memory, spilling to disk), so no step shuffles or re-reads data. Partition {@code p}'s batch at a step is
 * drawn with replacement by {@code Rng(stepSeed + p · c)}, where the step seed is drawn from the run's generator
 * (the one {@link dev.jinn.train.Checkpoint} saves), so a resumed run draws the batches an uninterrupted one
 * would, and the result in float64 equals one JVM training on the concatenation of the partitions' batches.
 */
package dev.jinn.spark;
