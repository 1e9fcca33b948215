package dev.jinn.bench;

import dev.jinn.flow.SequenceINN;
import dev.jinn.model.Architecture;
import dev.jinn.model.ConditionEncoding;
import dev.jinn.model.DataTransform;
import dev.jinn.model.ModelConfig;
import dev.jinn.spark.DistributedTrainer;
import dev.jinn.spark.FlowScorer;
import dev.jinn.spark.SparkTrainResult;
import dev.jinn.tensor.DType;
import dev.jinn.tensor.Tensor;
import dev.jinn.train.TrainSettings;
import dev.jinn.train.Trainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The jinn side of {@code ./bench spark}, in Spark's local mode:
 *
 * <ul>
 *   <li>{@code spark score rows=<n> local1_s=<a> local2_s=<b> speedup=<a/b>}: FlowScorer on n rows of a 4-column
 *       table (GLOW, 4 blocks, hidden 64) with one and with two task threads, best of three runs each;</li>
 *   <li>{@code spark train steps=<k> partitions=<p> ms_per_step=<x> max_diff=<d>}: DistributedTrainer in float64
 *       on p partitions (batch 256 each), and the largest weight difference against one JVM training on the
 *       concatenated batches; then {@code spark train_single_jvm ms_per_step=<y>}, that JVM's step time.</li>
 * </ul>
 *
 * <p>Usage: {@code SparkBench [--rows N] [--steps K] [--partitions P]}.
 */
public final class SparkBench {
    private static final int BATCH = 256;

    private SparkBench() {
    }

    /**
     * Runs both measurements.
     *
     * @param args options
     * @throws Exception when a file cannot be written
     */
    public static void main(String[] args) throws Exception {
        long rows = 1_000_000;
        int steps = 30;
        int partitions = 2;
        for (int i = 0; i < args.length; i += 2) {
            switch (args[i]) {
                case "--rows" -> rows = Long.parseLong(args[i + 1]);
                case "--steps" -> steps = Integer.parseInt(args[i + 1]);
                case "--partitions" -> partitions = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("SparkBench: unknown option " + args[i]);
            }
        }
        Path model = Files.createTempFile("jinn-spark-bench-", ".safetensors");
        double one;
        double two;
        try (SparkSession spark = session(1)) {
            train(spark, 2, 40, DType.FLOAT32).save(spark, model.toString());
            one = score(spark, model, rows);
        }
        try (SparkSession spark = session(2)) {
            two = score(spark, model, rows);
        }
        System.out.printf(Locale.ROOT, "spark score rows=%d local1_s=%.2f local2_s=%.2f speedup=%.2f%n", rows, one,
                two, one / two);
        try (SparkSession spark = session(partitions)) {
            SparkTrainResult r = train(spark, partitions, steps, DType.FLOAT64);
            long t0 = System.nanoTime();
            SequenceINN reference = singleJvm(partitions, steps);
            double singleMs = (System.nanoTime() - t0) * 1e-6 / steps;
            System.out.printf(Locale.ROOT, "spark train steps=%d partitions=%d ms_per_step=%.1f max_diff=%.2e%n", steps,
                    partitions, r.msPerStep(), maxDiff(r.model().model(), reference));
            System.out.printf(Locale.ROOT, "spark train_single_jvm ms_per_step=%.1f%n", singleMs);
        }
        Files.deleteIfExists(model);
    }

    private static SparkSession session(int threads) {
        return SparkSession.builder().master("local[" + threads + "]").appName("jinn-spark-bench")
                .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1").config("spark.sql.shuffle.partitions", "4")
                .getOrCreate();
    }

    /** Best of three: FlowScorer on the cached rows, forced by a sum of the scores. */
    private static double score(SparkSession spark, Path model, long rows) {
        Dataset<Row> t = spark.range(0, rows, 1, 8).selectExpr("randn(1) AS x", "randn(2) * 2 + x AS y",
                "randn(3) AS w", "randn(4) + w AS v").cache();
        t.count();
        double best = Double.MAX_VALUE;
        for (int run = 0; run < 3; run++) {
            long t0 = System.nanoTime();
            new FlowScorer().setModelPath(model.toString()).transform(t).agg(functions.sum("log_likelihood")).first();
            best = Math.min(best, (System.nanoTime() - t0) * 1e-9);
        }
        t.unpersist();
        return best;
    }

    private static List<double[]> data() {
        Random r = new Random(5);
        List<double[]> rows = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            double a = r.nextGaussian();
            double b = r.nextGaussian();
            rows.add(new double[] {a, 2 * b + a, r.nextGaussian(), a * b});
        }
        return rows;
    }

    private static TrainSettings settings(int steps) {
        return TrainSettings.builder().steps(steps).batchSize(BATCH).lr(1e-3).seed(3).build();
    }

    private static SparkTrainResult train(SparkSession spark, int partitions, int steps, DType dtype) {
        List<Row> r = new ArrayList<>();
        for (double[] v : data()) {
            r.add(RowFactory.create(v[0], v[1], v[2], v[3]));
        }
        StructType schema = new StructType().add("x", DataTypes.DoubleType).add("y", DataTypes.DoubleType)
                .add("w", DataTypes.DoubleType).add("v", DataTypes.DoubleType);
        Dataset<Row> table = spark.createDataFrame(JavaSparkContext.fromSparkContext(spark.sparkContext())
                .parallelize(r, partitions), schema);
        return DistributedTrainer.builder(Architecture.GLOW, 4, 64, settings(steps)).dtype(dtype).build().fit(table);
    }

    /** One JVM on the concatenation of the partitions' batches (the slices Spark cuts from a local list). */
    private static SequenceINN singleJvm(int partitions, int steps) {
        List<double[]> rows = data();
        DataTransform t = DataTransform.standardize(List.of("x", "y", "w", "v"), rows, ConditionEncoding.NONE);
        SequenceINN model = (SequenceINN) new ModelConfig(Architecture.GLOW, 4, 64, 4, 0, 3).build().to(DType.FLOAT64);
        Trainer trainer = Trainer.builder(model, settings(steps).toBuilder().restoreBest(false).build()).build();
        while (!trainer.finished()) {
            long stepSeed = trainer.state().rng().nextLong();
            List<double[]> batch = new ArrayList<>();
            for (int p = 0; p < partitions; p++) {
                List<double[]> part = rows.subList(p * rows.size() / partitions, (p + 1) * rows.size() / partitions);
                for (int i : DistributedTrainer.batchRows(part.size(), BATCH, stepSeed, p)) {
                    batch.add(part.get(i));
                }
            }
            trainer.step(t.toBatch(batch, List.of()));
        }
        return model;
    }

    private static double maxDiff(SequenceINN a, SequenceINN b) {
        double max = 0;
        Map<String, Tensor> sb = b.stateDict();
        for (Map.Entry<String, Tensor> e : a.stateDict().entrySet()) {
            double[] x = e.getValue().to(DType.FLOAT64).toDoubleArray();
            double[] y = sb.get(e.getKey()).to(DType.FLOAT64).toDoubleArray();
            for (int i = 0; i < x.length; i++) {
                max = Math.max(max, Math.abs(x[i] - y[i]));
            }
        }
        return max;
    }
}
