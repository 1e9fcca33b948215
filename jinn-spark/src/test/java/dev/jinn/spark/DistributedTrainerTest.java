package dev.jinn.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.jinn.flow.SequenceINN;
import dev.jinn.model.Architecture;
import dev.jinn.model.DataTransform;
import dev.jinn.model.ModelConfig;
import dev.jinn.model.ModelFile;
import dev.jinn.tensor.DType;
import dev.jinn.tensor.Tensor;
import dev.jinn.train.LrSchedule;
import dev.jinn.train.TrainSettings;
import dev.jinn.train.Trainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Data-parallel training against single-JVM training of the same float64 problem, with injected task failures,
 * checkpoints and resumed runs.
 */
class DistributedTrainerTest {
    private static final int N = 241;
    private static final int BATCH = 16;
    private static SparkSession spark;
    private static List<double[]> rows;

    @BeforeAll
    static void data() {
        spark = SparkTests.spark();
        rows = SparkTests.gaussianRows(N, 21);
    }

    @AfterEach
    void noFaults() {
        TaskFaults.hook = null;
    }

    /** The rows in {@code p} partitions, sliced in order as Spark slices a local collection. */
    private static Dataset<Row> table(List<double[]> data, int p) {
        List<Row> r = new ArrayList<>();
        for (double[] v : data) {
            r.add(RowFactory.create(v[0], v[1], v[2]));
        }
        StructType schema = new StructType().add("x", DataTypes.DoubleType).add("y", DataTypes.DoubleType)
                .add("w", DataTypes.DoubleType);
        return spark.createDataFrame(JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(r, p),
                schema);
    }

    /** Partition {@code i} of {@code p} of a local collection of {@code n} rows: [i·n/p, (i+1)·n/p). */
    private static List<double[]> slice(int i, int p) {
        return rows.subList((int) ((long) i * N / p), (int) ((long) (i + 1) * N / p));
    }

    private static TrainSettings.Builder settings(int steps) {
        return TrainSettings.builder().steps(steps).batchSize(BATCH).lr(3e-3).schedule(LrSchedule.COSINE)
                .warmupSteps(2).clipGradNorm(5).seed(7);
    }

    private static SparkTrainResult distributed(int partitions, TrainSettings s) {
        return DistributedTrainer.builder(Architecture.GLOW, 2, 8, s).dtype(DType.FLOAT64).build()
                .fit(table(rows, partitions));
    }

    /**
     * The reference: one JVM, one trainer, each step's batch the concatenation of the partitions' batches (the
     * rows each partition draws by the documented rule), standardised by the transform fitted on all rows.
     */
    private static SequenceINN singleJvm(int partitions, TrainSettings s) {
        List<String> cols = List.of("x", "y", "w");
        DataTransform t = DataTransform.standardize(cols, rows, dev.jinn.model.ConditionEncoding.NONE);
        SequenceINN model = (SequenceINN) new ModelConfig(Architecture.GLOW, 2, 8, 3, 0, s.seed()).build()
                .to(DType.FLOAT64);
        Trainer trainer = Trainer.builder(model, s.toBuilder().restoreBest(false).build()).build();
        while (!trainer.finished()) {
            long stepSeed = trainer.state().rng().nextLong();
            List<double[]> batch = new ArrayList<>();
            for (int p = 0; p < partitions; p++) {
                List<double[]> part = slice(p, partitions);
                for (int i : DistributedTrainer.batchRows(part.size(), BATCH, stepSeed, p)) {
                    batch.add(part.get(i));
                }
            }
            trainer.step(t.toBatch(batch, List.of()));
        }
        return model;
    }

    private static double maxDiff(SequenceINN a, SequenceINN b) {
        Map<String, Tensor> sa = a.stateDict();
        Map<String, Tensor> sb = b.stateDict();
        assertThat(sb.keySet()).isEqualTo(sa.keySet());
        double max = 0;
        for (String k : sa.keySet()) {
            double[] x = sa.get(k).to(DType.FLOAT64).toDoubleArray();
            double[] y = sb.get(k).to(DType.FLOAT64).toDoubleArray();
            for (int i = 0; i < x.length; i++) {
                max = Math.max(max, Math.abs(x[i] - y[i]));
            }
        }
        return max;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void kStepsOnPPartitionsEqualSingleJvmTrainingOnTheConcatenatedBatches(int partitions) {
        TrainSettings s = settings(6).build();
        SparkTrainResult r = distributed(partitions, s);
        SequenceINN reference = singleJvm(partitions, s);
        assertThat(r.partitions()).isEqualTo(partitions);
        assertThat(r.training().steps()).isEqualTo(6);
        assertThat(maxDiff(r.model().model(), reference)).isLessThanOrEqualTo(1e-9);
        // ... and the weights did move: the comparison is not between two untrained models.
        SequenceINN initial = (SequenceINN) new ModelConfig(Architecture.GLOW, 2, 8, 3, 0, 7).build().to(DType.FLOAT64);
        assertThat(maxDiff(r.model().model(), initial)).isGreaterThan(1e-3);
    }

    @Test
    void theStandardisationIsTheCommandLinesOnTheWholeTable() {
        DataTransform t = distributed(3, settings(1).build()).model().transform();
        DataTransform cli = DataTransform.standardize(List.of("x", "y", "w"), rows,
                dev.jinn.model.ConditionEncoding.NONE);
        assertThat(t.columns()).isEqualTo(cli.columns());
        assertThat(t.mean()).containsExactly(cli.mean(), within(1e-12));
        assertThat(t.std()).containsExactly(cli.std(), within(1e-12));
    }

    @Test
    void aTaskThatFailsMidTrainingIsRetriedAndTheModelIsTheFaultFreeOne() {
        TrainSettings s = settings(6).build();
        SparkTrainResult clean = distributed(2, s);
        AtomicInteger thrown = new AtomicInteger();
        TaskFaults.hook = (step, partition) -> {
            if (step == 4 && partition == 1 && TaskContext.get().attemptNumber() == 0) {
                thrown.incrementAndGet();
                throw new IllegalStateException("injected failure of step 4, partition 1");
            }
        };
        SparkTrainResult faulty = distributed(2, s);
        assertThat(thrown.get()).isEqualTo(1);
        assertThat(maxDiff(faulty.model().model(), clean.model().model())).isZero();
        assertThat(faulty.training().history()).isEqualTo(clean.training().history());
    }

    @Test
    void aRunThatDiesIsResumedFromItsCheckpointAndEndsWhereAnUninterruptedOneDoes() throws Exception {
        Path ckpt = SparkTests.tempDir().resolve("resume.ckpt.safetensors");
        Files.deleteIfExists(ckpt);
        TrainSettings s = settings(8).checkpoint(ckpt, 2).build();
        // Step 5 fails on every attempt: Spark gives up, the run dies after the checkpoint of step 4.
        TaskFaults.hook = (step, partition) -> {
            if (step == 5) {
                throw new IllegalStateException("injected failure of step 5 on every attempt");
            }
        };
        assertThatThrownBy(() -> distributed(2, s)).hasStackTraceContaining("injected failure of step 5");
        TaskFaults.hook = null;
        assertThat(dev.jinn.train.Checkpoint.read(ckpt).step()).isEqualTo(4);
        SparkTrainResult resumed = DistributedTrainer.builder(Architecture.GLOW, 2, 8, s).dtype(DType.FLOAT64)
                .resumeFrom(ckpt).build().fit(table(rows, 2));
        SparkTrainResult straight = distributed(2, settings(8).build());
        assertThat(resumed.training().steps()).isEqualTo(8);
        assertThat(maxDiff(resumed.model().model(), straight.model().model())).isZero();
    }

    @Test
    void checkpointsAreWrittenEveryNStepsInJinnsFormat() throws Exception {
        Path ckpt = SparkTests.tempDir().resolve("every.ckpt.safetensors");
        Files.deleteIfExists(ckpt);
        distributed(2, settings(3).checkpoint(ckpt, 2).build());
        dev.jinn.train.Checkpoint c = dev.jinn.train.Checkpoint.read(ckpt);
        assertThat(c.step()).isEqualTo(3);
        assertThat(ModelConfig.read(c.metadata())).isEqualTo(new ModelConfig(Architecture.GLOW, 2, 8, 3, 0, 7));
    }

    @Test
    void aCheckpointOfAnotherArchitectureIsRefused() throws Exception {
        Path ckpt = SparkTests.tempDir().resolve("other.ckpt.safetensors");
        Files.deleteIfExists(ckpt);
        distributed(1, settings(1).checkpoint(ckpt, 0).build());
        assertThatThrownBy(() -> DistributedTrainer.builder(Architecture.GLOW, 3, 8, settings(2).build())
                .dtype(DType.FLOAT64).resumeFrom(ckpt).build().fit(table(rows, 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the checkpoint " + ckpt + " is for the model 'glow, 2 blocks, hidden 8, 3 dims, seed 7',"
                        + " but this run builds 'glow, 3 blocks, hidden 8, 3 dims, seed 7'");
    }

    @Test
    void theModelFileWorksWithTheCommandLineAndSaysItWasTrainedOnSpark() throws Exception {
        SparkTrainResult r = DistributedTrainer.builder(Architecture.RNVP, 2, 16, settings(20).build())
                .validationFraction(0.2).dataName("gauss table").build().fit(table(rows, 2));
        Path file = SparkTests.tempDir().resolve("spark-trained.safetensors");
        r.save(spark, file.toString());
        String info = SparkTests.jinn("info", "--model", file.toString());
        assertThat(info).contains("trained_on").contains("spark").contains("gauss table");
        ModelFile loaded = ModelFile.load(file);
        assertThat(loaded.provenance()).containsEntry("trained_on", "spark").containsEntry("partitions", "2")
                .containsEntry("steps", "20");
        assertThat(r.trainingRows() + r.heldOutRows()).isEqualTo(N);
        assertThat(r.heldOutRows()).isBetween(25L, 75L);
        assertThat(r.heldOutNll()).isFinite();
        // jinn score and the Spark scorer agree on the saved model.
        Path csv = SparkTests.csv("spark-trained.csv", List.of("x", "y", "w"), rows, null);
        double[] cli = SparkTests.jinnScore(file, csv, 1024);
        List<Row> scored = new FlowScorer().setModelPath(file.toString()).transform(table(rows, 1))
                .select("log_likelihood").collectAsList();
        assertThat(scored.stream().mapToDouble(x -> x.getDouble(0)).toArray()).containsExactly(cli);
    }

    @Test
    void aNullTrainingValueIsRefusedWithItsColumn() {
        List<Row> r = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            r.add(RowFactory.create(1.0 * i, i == 7 ? null : 2.0 * i, 3.0));
        }
        StructType schema = new StructType().add("x", DataTypes.DoubleType).add("y", DataTypes.DoubleType)
                .add("w", DataTypes.DoubleType);
        Dataset<Row> t = spark.createDataFrame(r, schema);
        assertThatThrownBy(() -> DistributedTrainer.builder(Architecture.GLOW, 1, 4, settings(1).build()).build()
                .fit(t)).hasStackTraceContaining("the training column 'y' has a null value; drop or fill the rows with"
                        + " missing values first (e.g. Dataset.na().drop())");
    }

    @Test
    void iResNetsAndMissingConditionColumnsAreRefused() {
        assertThatThrownBy(() -> DistributedTrainer.builder(Architecture.IRESNET, 2, 8, settings(1).build()))
                .hasMessageStartingWith("DistributedTrainer: the iresnet architecture is not offered");
        assertThatThrownBy(() -> DistributedTrainer.builder(Architecture.GLOW, 2, 8, settings(1).build())
                .conditionCol("label").build().fit(table(rows, 1)))
                .hasMessage("the condition column 'label' is not in the table; its columns are [x, y, w]");
    }
}
