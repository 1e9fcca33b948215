package dev.jinn.spark;

import dev.jinn.check.Require;
import dev.jinn.flow.SequenceINN;
import dev.jinn.model.Architecture;
import dev.jinn.model.ConditionEncoding;
import dev.jinn.model.DataTransform;
import dev.jinn.model.ModelConfig;
import dev.jinn.model.ModelFile;
import dev.jinn.tensor.DType;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import dev.jinn.train.Checkpoint;
import dev.jinn.train.Nll;
import dev.jinn.train.TrainResult;
import dev.jinn.train.TrainSettings;
import dev.jinn.train.Trainer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.storage.StorageLevel;

/**
 * Trains a flow of the command line's architectures on a Spark table by synchronous data-parallel SGD: at every
 * step each partition draws a batch of {@link TrainSettings#batchSize()} rows from its cached rows, computes the
 * batch's gradient on its replica of the model, the gradients are summed weighted by batch size across
 * partitions ({@code treeAggregate}) and one optimizer update is applied on the driver, whose weights every
 * partition loads for the next step. In float64 that equals single-JVM training on the concatenation of the
 * partitions' batches, up to rounding; the package documentation says why this mechanism was chosen.
 *
 * <pre>{@code
 * TrainSettings s = TrainSettings.builder().steps(2000).batchSize(256).lr(1e-3).seed(1)
 *         .checkpoint(Path.of("run.ckpt.safetensors"), 200).build();
 * SparkTrainResult r = DistributedTrainer.builder(Architecture.GLOW, 8, 128, s).validationFraction(0.1).build()
 *         .fit(table);
 * r.save(spark, "hdfs:///models/model.safetensors");
 * }</pre>
 *
 * <p>The table is read once: its rows are cached per partition (memory, spilling to disk), standardised with
 * moments merged across partitions, and never shuffled. A failed task is retried by Spark and recomputes its
 * gradient from the same weights and seed, so a retry changes nothing; the update is applied once, on the driver,
 * after the whole aggregation succeeded. Checkpoints are jinn's ({@link Checkpoint}, written by the driver's
 * {@link Trainer}) and a run resumes from one bit-identically. Options that need the whole validation set on one
 * machine (early stopping, restoring the best weights) are not offered; the held-out NLL is measured once, at
 * the end, on the held-out rows of every partition.
 */
public final class DistributedTrainer {
    private final Builder b;

    private DistributedTrainer(Builder b) {
        this.b = b;
    }

    /**
     * A builder for a run, with the options of {@code jinn train}.
     *
     * @param architecture the kind of blocks (i-ResNets are not offered: their power iterations update buffers in
     *                     every forward pass, which replicas cannot keep in step)
     * @param blocks       the number of blocks
     * @param hidden       the subnets' hidden width
     * @param settings     steps, batch size per partition, learning rate, schedule, warm-up, clipping, weight
     *                     decay, seed and checkpoints (validation settings are not used)
     * @return the builder
     */
    public static Builder builder(Architecture architecture, int blocks, int hidden, TrainSettings settings) {
        return new Builder(architecture, blocks, hidden, settings);
    }

    /**
     * The rows partition {@code p} trains on at a step: {@code batch} indices into its training rows, drawn
     * uniformly with replacement (as {@code BatchSource.rows}) by {@code Rng(stepSeed + p · c)} for a fixed odd
     * constant {@code c}, where the step's seed is the next draw of the run's generator (the one checkpoints
     * save). With it a single JVM can replay a distributed run on the concatenated batches.
     *
     * @param size      the partition's training rows, &ge; 1
     * @param batch     the batch size per partition
     * @param stepSeed  the step's seed
     * @param partition the partition's index
     * @return the row indices
     */
    public static int[] batchRows(int size, int batch, long stepSeed, int partition) {
        Rng r = new Rng(stepSeed + partition * PartitionData.PARTITION_STRIDE);
        int[] idx = new int[batch];
        for (int i = 0; i < batch; i++) {
            idx[i] = (int) r.nextLong(size);
        }
        return idx;
    }

    /**
     * Trains on a table.
     *
     * @param table the training rows: numeric data columns and, for a conditional model, the condition column
     * @return the trained model (a normal jinn model file) and how the run went
     * @throws IllegalArgumentException for unusable columns or values (naming them) or a checkpoint that does not
     *                                  fit
     * @throws UncheckedIOException     when a checkpoint cannot be read or written
     */
    public SparkTrainResult fit(Dataset<?> table) {
        SparkSession spark = table.sparkSession();
        List<String> columns = dataColumns(table);
        ConditionEncoding.Kind kind = conditionKind(table);
        List<Column> select = new ArrayList<>();
        columns.forEach(c -> select.add(functions.col(c)));
        if (b.conditionCol != null) {
            select.add(functions.col(b.conditionCol));
        }
        boolean conditional = b.conditionCol != null;
        double fraction = b.validationFraction;
        long seed = b.settings.seed();
        JavaRDD<PartitionData> data = table.select(select.toArray(Column[]::new)).toJavaRDD()
                .mapPartitionsWithIndex((p, it) -> List.of(PartitionData.read(p, it, columns, conditional, fraction,
                        seed)).iterator(), true)
                .persist(StorageLevel.MEMORY_AND_DISK());
        try {
            return train(spark, data, columns, kind);
        } finally {
            data.unpersist(false);
        }
    }

    private SparkTrainResult train(SparkSession spark, JavaRDD<PartitionData> data, List<String> columns,
            ConditionEncoding.Kind kind) {
        int d = columns.size();
        boolean numeric = kind == ConditionEncoding.Kind.NUMERIC;
        ColumnStats stats = data.treeAggregate(new ColumnStats(0, new double[d], new double[d], new java.util.TreeSet<>(),
                Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY), (s, p) -> s.merge(ColumnStats.of(p, d, numeric)),
                ColumnStats::merge, b.treeDepth);
        if (stats.count() == 0) {
            throw new IllegalArgumentException("the training table has no training rows"
                    + (b.validationFraction > 0 ? " (all were held out)" : ""));
        }
        ConditionEncoding cond = switch (kind) {
            case NONE -> ConditionEncoding.NONE;
            case NUMERIC -> new ConditionEncoding(b.conditionCol, kind, List.of()).withRange(stats.min(), stats.max());
            case CATEGORICAL -> new ConditionEncoding(b.conditionCol, kind, stats.sortedCategories());
        };
        DataTransform transform = DataTransform.fromMoments(columns, stats.mean(), stats.variance(), cond);
        ModelConfig config = new ModelConfig(b.architecture, b.blocks, b.hidden, d, cond.dims(), b.settings.seed());
        TrainingJob job = new TrainingJob(UUID.randomUUID().toString(), config, b.dtype, transform,
                b.settings.batchSize());
        SequenceINN model = job.build();
        TrainSettings.Builder s = b.settings.toBuilder().restoreBest(false).patience(0);
        if (b.settings.checkpointPath() != null) {
            config.metadata().forEach(s::checkpointMetadata);
            s.checkpointMetadata("jinn.train.data", b.dataName);
        }
        Trainer trainer = Trainer.builder(model, s.build()).build();
        if (b.resume != null) {
            trainer.restore(checkpointFor(b.resume, config));
        }
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<TrainingJob> shared = jsc.broadcast(job);
        List<Tensor> params = model.parameters();
        long t0 = System.nanoTime();
        long first = trainer.state().step();
        while (!trainer.finished()) {
            ModelState state = ModelState.of(trainer.state().step() + 1, trainer.state().rng().nextLong(),
                    model.stateDict());
            // The weights travel in the task closure: Spark broadcasts each stage's closure anyway, so a
            // broadcast of their own would only add its creation and removal to every step.
            GradientSum g = data.treeAggregate(GradientSum.EMPTY,
                    (acc, p) -> acc.merge(p.gradient(shared.value(), state)), GradientSum::merge, b.treeDepth);
            for (int i = 0; i < params.size(); i++) {
                double[] mean = g.grads()[i].clone();
                for (int j = 0; j < mean.length; j++) {
                    mean[j] /= g.count();
                }
                params.get(i).setGrad(Tensors.of(mean, params.get(i).shape()).to(params.get(i).dtype()));
            }
            trainer.applyGradients(g.lossSum() / g.count(), (int) Math.min(Integer.MAX_VALUE, g.count()));
        }
        double seconds = (System.nanoTime() - t0) * 1e-9;
        TrainResult result = trainer.finish();
        ModelState last = ModelState.of(trainer.state().step(), 0, model.stateDict());
        Broadcast<ModelState> w = jsc.broadcast(last);
        double[] held = data.treeAggregate(new double[2], (acc, p) -> add(acc, p.heldOutNll(shared.value(), w.value())),
                DistributedTrainer::add, b.treeDepth);
        w.destroy();
        shared.destroy();
        double offset = transform.nllOffset();
        double heldOut = held[1] > 0 ? held[0] / held[1] + offset : Double.NaN;
        long steps = trainer.state().step() - first;
        Map<String, String> prov = provenance(spark, data.getNumPartitions(), result, heldOut, offset, seconds,
                stats.count(), (long) held[1], config);
        model.eval();
        return new SparkTrainResult(new ModelFile(config, transform, prov, model), result, heldOut, stats.count(),
                (long) held[1], data.getNumPartitions(), steps == 0 ? Double.NaN : seconds * 1000 / steps);
    }

    private static double[] add(double[] a, double[] c) {
        return new double[] {a[0] + c[0], a[1] + c[1]};
    }

    private Map<String, String> provenance(SparkSession spark, int partitions, TrainResult result, double heldOut,
            double offset, double seconds, long rows, long heldRows, ModelConfig config) {
        TrainSettings t = b.settings;
        Map<String, String> prov = new LinkedHashMap<>();
        prov.put("data", b.dataName);
        prov.put("trained_on", "spark");
        prov.put("spark_master", spark.sparkContext().master());
        prov.put("spark_version", spark.version());
        prov.put("partitions", Integer.toString(partitions));
        prov.put("batch_per_partition", Integer.toString(t.batchSize()));
        prov.put("training_rows", Long.toString(rows));
        prov.put("heldout_rows", Long.toString(heldRows));
        prov.put("dtype", b.dtype.name().toLowerCase(Locale.ROOT));
        prov.put("seed", Long.toString(t.seed()));
        prov.put("steps", Long.toString(result.steps()));
        prov.put("lr", Double.toString(t.lr()));
        prov.put("weight_decay", Double.toString(t.weightDecay()));
        prov.put("schedule", t.schedule().name().toLowerCase(Locale.ROOT));
        prov.put("final_train_nll", Double.toString(result.finalLoss() + offset));
        prov.put("heldout_nll", Double.toString(heldOut));
        prov.put("heldout_bits_per_dim", Double.toString(Double.isNaN(heldOut) ? Double.NaN
                : Nll.bitsPerDim(heldOut, config.dims())));
        String version = DistributedTrainer.class.getPackage().getImplementationVersion();
        prov.put("jinn_version", version == null ? "development build" : version);
        prov.put("date", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        prov.put("java", System.getProperty("java.version"));
        prov.put("train_seconds", String.format(Locale.ROOT, "%.1f", seconds));
        return prov;
    }

    /** Reads a checkpoint to resume and checks that it was written for this architecture and seed. */
    private static Checkpoint checkpointFor(Path path, ModelConfig config) {
        Checkpoint c;
        try {
            c = Checkpoint.read(path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot resume from " + path + ": " + e.getMessage(), e);
        }
        ModelConfig saved;
        try {
            saved = ModelConfig.read(c.metadata());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(path + " was not written by a jinn training run (" + e.getMessage()
                    + ")", e);
        }
        if (!saved.equals(config)) {
            throw new IllegalArgumentException("the checkpoint " + path + " is for the model '" + saved.describe()
                    + ", seed " + saved.seed() + "', but this run builds '" + config.describe() + ", seed "
                    + config.seed() + "'");
        }
        return c;
    }

    private List<String> dataColumns(Dataset<?> table) {
        List<String> cols = new ArrayList<>();
        if (b.inputCols != null) {
            for (String c : b.inputCols) {
                StructField f = field(table, c, "data column");
                if (!(f.dataType() instanceof NumericType)) {
                    throw new IllegalArgumentException("the data column '" + c + "' must be numeric, but it is "
                            + f.dataType().simpleString());
                }
                cols.add(c);
            }
        } else {
            for (StructField f : table.schema().fields()) {
                if (f.dataType() instanceof NumericType && !f.name().equals(b.conditionCol)) {
                    cols.add(f.name());
                }
            }
        }
        if (cols.size() < 2) {
            throw new IllegalArgumentException("a flow needs at least 2 numeric data columns, got " + cols
                    + " from the table's columns " + List.of(table.columns()));
        }
        return cols;
    }

    private ConditionEncoding.Kind conditionKind(Dataset<?> table) {
        if (b.conditionCol == null) {
            return ConditionEncoding.Kind.NONE;
        }
        if (!b.architecture.conditional()) {
            throw new IllegalArgumentException("the " + b.architecture.id() + " architecture takes no condition; use"
                    + " allinone, glow, rnvp or nice for conditional data");
        }
        DataType t = field(table, b.conditionCol, "condition column").dataType();
        boolean number = t instanceof NumericType;
        return switch (b.conditionType) {
            case "numeric" -> {
                if (!number) {
                    throw new IllegalArgumentException("the condition column '" + b.conditionCol + "' is "
                            + t.simpleString() + ", not numeric (conditionType numeric)");
                }
                yield ConditionEncoding.Kind.NUMERIC;
            }
            case "categorical" -> ConditionEncoding.Kind.CATEGORICAL;
            default -> number ? ConditionEncoding.Kind.NUMERIC : ConditionEncoding.Kind.CATEGORICAL;
        };
    }

    private static StructField field(Dataset<?> table, String name, String role) {
        for (StructField f : table.schema().fields()) {
            if (f.name().equals(name)) {
                return f;
            }
        }
        throw new IllegalArgumentException("the " + role + " '" + name + "' is not in the table; its columns are "
                + List.of(table.columns()));
    }

    /** The options of a distributed run; {@link #build()} checks them. */
    public static final class Builder {
        private final Architecture architecture;
        private final int blocks;
        private final int hidden;
        private final TrainSettings settings;
        private String[] inputCols;
        private String conditionCol;
        private String conditionType = "auto";
        private double validationFraction;
        private DType dtype = DType.FLOAT32;
        private Path resume;
        private int treeDepth = 2;
        private String dataName = "spark table";

        private Builder(Architecture architecture, int blocks, int hidden, TrainSettings settings) {
            if (architecture == null || settings == null) {
                throw new IllegalArgumentException("DistributedTrainer: the architecture and the settings are needed");
            }
            if (architecture == Architecture.IRESNET) {
                throw new IllegalArgumentException("DistributedTrainer: the iresnet architecture is not offered (its"
                        + " spectral normalisation updates buffers in every forward pass, which the replicas on the"
                        + " partitions cannot keep in step); use allinone, glow, rnvp or nice");
            }
            this.architecture = architecture;
            this.blocks = blocks;
            this.hidden = hidden;
            this.settings = settings;
        }

        /**
         * Sets the data columns (default: every numeric column but the condition).
         *
         * @param cols the columns, in the model's order
         * @return this builder
         */
        public Builder inputCols(String... cols) {
            this.inputCols = cols.clone();
            return this;
        }

        /**
         * Conditions the flow on a column.
         *
         * @param col the condition column
         * @return this builder
         */
        public Builder conditionCol(String col) {
            this.conditionCol = col;
            return this;
        }

        /**
         * How the condition column is encoded: {@code auto} (numeric columns as numbers, others as categories, the
         * default), {@code categorical} (one-hot over its distinct values) or {@code numeric}.
         *
         * @param type the type
         * @return this builder
         */
        public Builder conditionType(String type) {
            String t = type == null ? "" : type.toLowerCase(Locale.ROOT);
            if (!List.of("auto", "categorical", "numeric").contains(t)) {
                throw new IllegalArgumentException("conditionType must be auto, categorical or numeric, got '" + type
                        + "'");
            }
            this.conditionType = t;
            return this;
        }

        /**
         * Holds out a fraction of the rows (each row independently, by the run's seed and its partition) for the
         * held-out NLL measured at the end (default 0: none).
         *
         * @param fraction in {@code [0, 1)}
         * @return this builder
         */
        public Builder validationFraction(double fraction) {
            if (!(fraction >= 0 && fraction < 1)) {
                throw new IllegalArgumentException("validationFraction must be in [0, 1), got " + fraction);
            }
            this.validationFraction = fraction;
            return this;
        }

        /**
         * Trains in float64 instead of float32 (the default, as {@code jinn train}).
         *
         * @param dtype FLOAT32 or FLOAT64
         * @return this builder
         */
        public Builder dtype(DType dtype) {
            if (dtype != DType.FLOAT32 && dtype != DType.FLOAT64) {
                throw new IllegalArgumentException("dtype must be FLOAT32 or FLOAT64, got " + dtype);
            }
            this.dtype = dtype;
            return this;
        }

        /**
         * Continues the run of a checkpoint written by an earlier run of the same options (up to the settings' step
         * count, the total).
         *
         * @param checkpoint the checkpoint file on the driver
         * @return this builder
         */
        public Builder resumeFrom(Path checkpoint) {
            this.resume = checkpoint;
            return this;
        }

        /**
         * Sets the depth of the aggregation tree (default 2; more for many partitions).
         *
         * @param depth at least 1
         * @return this builder
         */
        public Builder treeDepth(int depth) {
            this.treeDepth = Require.atLeast(1, depth, "treeDepth");
            return this;
        }

        /**
         * Names the data in the model's provenance and checkpoints (default {@code spark table}).
         *
         * @param name e.g. the table's name
         * @return this builder
         */
        public Builder dataName(String name) {
            this.dataName = name;
            return this;
        }

        /**
         * Checks the sizes and makes the trainer.
         *
         * @return the trainer
         * @throws IllegalArgumentException naming a bad block count or width
         */
        public DistributedTrainer build() {
            // The same checks as the command line's (ModelConfig's), before any data is read.
            new ModelConfig(architecture, blocks, hidden, 2, 0, settings.seed());
            return new DistributedTrainer(this);
        }
    }
}
