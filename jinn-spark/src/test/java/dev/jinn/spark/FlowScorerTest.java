package dev.jinn.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.jinn.autograd.Grad;
import dev.jinn.flow.FlowResult;
import dev.jinn.model.ModelFile;
import dev.jinn.tensor.DType;
import dev.jinn.tensor.Tensor;

import dev.jinn.tensor.Tensors;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The scorer against {@code jinn score} on the same rows, its schema checks and its handling of bad rows. */
class FlowScorerTest {
    private static final List<String> COLS = List.of("x", "y", "w");
    private static SparkSession spark;
    private static List<double[]> rows;
    private static Path csv;
    private static Path model;

    @BeforeAll
    static void trainOnce() {
        spark = SparkTests.spark();
        rows = SparkTests.gaussianRows(300, 11);
        csv = SparkTests.csv("gauss.csv", COLS, rows, null);
        model = SparkTests.jinnTrain("gauss", csv);
    }

    /** The rows as a table, in {@code partitions} slices, with an id column first. */
    private static Dataset<Row> table(List<double[]> data, int partitions) {
        List<Row> r = new ArrayList<>();
        for (int i = 0; i < data.size(); i++) {
            double[] v = data.get(i);
            r.add(RowFactory.create((long) i, v[0], v[1], v[2]));
        }
        StructType schema = new StructType().add("id", DataTypes.LongType).add("x", DataTypes.DoubleType)
                .add("y", DataTypes.DoubleType).add("w", DataTypes.DoubleType);
        return spark.createDataFrame(r, schema).repartition(partitions);
    }

    private static double[] byId(Dataset<Row> scored, String col, int n) {
        double[] out = new double[n];
        for (Row r : scored.select("id", col).collectAsList()) {
            out[(int) r.getLong(0)] = r.isNullAt(1) ? Double.NaN : r.getDouble(1);
        }
        return out;
    }

    @Test
    void scoresEqualWhatJinnScorePrintsForTheSameRows() {
        double[] cli = SparkTests.jinnScore(model, csv, 1024);
        for (int partitions : new int[] {1, 3}) {
            double[] spark = byId(new FlowScorer().setModelPath(model.toString()).transform(table(rows, partitions)),
                    "log_likelihood", rows.size());
            assertThat(spark).as("%d partitions", partitions).containsExactly(cli);
        }
    }

    @Test
    void theBatchSizeDoesNotChangeAScore() {
        double[] cli = SparkTests.jinnScore(model, csv, 7);
        double[] spark = byId(new FlowScorer().setModelPath(model.toString()).setBatchSize(13)
                .transform(table(rows, 2)), "log_likelihood", rows.size());
        assertThat(spark).containsExactly(cli);
    }

    @Test
    void aTableReadFromTheSameCsvFileScoresTheSame() {
        Dataset<Row> t = spark.read().option("header", "true").option("inferSchema", "true").csv(csv.toString());
        List<Row> scored = new FlowScorer().setModelPath("file://" + model.toAbsolutePath())
                .transform(t).select("log_likelihood").collectAsList();
        double[] cli = SparkTests.jinnScore(model, csv, 1024);
        double[] got = scored.stream().mapToDouble(r -> r.getDouble(0)).toArray();
        assertThat(got).containsExactly(cli);
    }

    @Test
    void renamedColumnsAreMappedInTheModelsOrder() {
        Dataset<Row> t = table(rows, 2).withColumnRenamed("x", "a").withColumnRenamed("y", "b")
                .withColumnRenamed("w", "c").select("c", "id", "b", "a");
        double[] got = byId(new FlowScorer().setModelPath(model.toString()).setInputCols("a", "b", "c")
                .setOutputCol("score").transform(t), "score", rows.size());
        assertThat(got).containsExactly(SparkTests.jinnScore(model, csv, 1024));
    }

    @Test
    void theLatentVectorIsTheFlowsOutputAndTheScoreIsItsGaussianLogDensityWithTheLogDet() throws Exception {
        List<double[]> some = rows.subList(0, 40);
        Dataset<Row> scored = new FlowScorer().setModelPath(model.toString()).setLatentCol("z")
                .transform(table(some, 2));
        // The reference: the flow called directly on the standardised rows.
        ModelFile m = ModelFile.load(model);
        double[] mean = m.transform().mean();
        double[] std = m.transform().std();
        float[] x = new float[some.size() * 3];
        for (int i = 0; i < some.size(); i++) {
            for (int j = 0; j < 3; j++) {
                x[i * 3 + j] = (float) ((some.get(i)[j] - mean[j]) / std[j]);
            }
        }
        m.model().eval();
        FlowResult r;
        try (var g = Grad.disabled()) {
            r = m.model().forward(Tensors.of(x, some.size(), 3));
        }
        double[] z = r.output().to(DType.FLOAT64).toDoubleArray();
        double[] logDet = r.logDet().to(DType.FLOAT64).toDoubleArray();
        double sumLogStd = Math.log(std[0]) + Math.log(std[1]) + Math.log(std[2]);
        for (Row row : scored.collectAsList()) {
            int i = (int) row.getLong(0);
            Vector v = row.getAs("z");
            // float32 products of another batch shape (the partition's, not these 40 rows') may round differently.
            assertThat(v.toArray()).containsExactly(new double[] {z[3 * i], z[3 * i + 1], z[3 * i + 2]}, within(1e-5));
            double sq = z[3 * i] * z[3 * i] + z[3 * i + 1] * z[3 * i + 1] + z[3 * i + 2] * z[3 * i + 2];
            double expected = -0.5 * sq - 1.5 * Math.log(2 * Math.PI) + logDet[i] - sumLogStd;
            assertThat(row.<Double>getAs("log_likelihood")).isCloseTo(expected, within(1e-4));
        }
    }

    @Test
    void nullAndNonFiniteInputsGiveANullScoreAndAreCounted() {
        List<Row> r = new ArrayList<>();
        StructType schema = new StructType().add("id", DataTypes.LongType).add("x", DataTypes.DoubleType)
                .add("y", DataTypes.DoubleType).add("w", DataTypes.DoubleType, true);
        for (int i = 0; i < 10; i++) {
            double[] v = rows.get(i);
            Object w = i == 3 ? null : i == 5 ? Double.NaN : i == 7 ? Double.POSITIVE_INFINITY : (Object) v[2];
            r.add(RowFactory.create((long) i, v[0], v[1], w));
        }
        FlowScorer s = new FlowScorer().setModelPath(model.toString());
        double[] got = byId(s.transform(spark.createDataFrame(r, schema).repartition(2)), "log_likelihood", 10);
        double[] cli = SparkTests.jinnScore(model, csv, 1024);
        for (int i = 0; i < 10; i++) {
            if (i == 3 || i == 5 || i == 7) {
                assertThat(got[i]).as("row %d", i).isNaN();
            } else {
                assertThat(got[i]).as("row %d", i).isEqualTo(cli[i]);
            }
        }
        assertThat(s.invalidRows().value()).isEqualTo(3L);
    }

    @Test
    void aMissingColumnIsNamedWithTheTablesColumns() {
        Dataset<Row> t = table(rows, 1).drop("y");
        assertThatThrownBy(() -> new FlowScorer().setModelPath(model.toString()).transform(t))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the data column 'y' of the model " + model + " is not in the table; its columns are"
                        + " [id, x, w]");
    }

    @Test
    void aStringDataColumnIsRefusedWithItsType() {
        Dataset<Row> t = table(rows, 1).withColumn("y", org.apache.spark.sql.functions.col("y").cast("string"));
        assertThatThrownBy(() -> new FlowScorer().setModelPath(model.toString()).transformSchema(t.schema()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the data column 'y' must be numeric (the model " + model + " reads it as its column 'y'),"
                        + " but it is string");
    }

    @Test
    void theWrongNumberOfInputColumnsIsRefused() {
        assertThatThrownBy(() -> new FlowScorer().setModelPath(model.toString()).setInputCols("x", "y")
                .transformSchema(table(rows, 1).schema()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the model " + model + " takes 3 data columns [x, y, w], but 2 input columns were given:"
                        + " [x, y]");
    }

    @Test
    void anOutputColumnThatExistsIsRefused() {
        assertThatThrownBy(() -> new FlowScorer().setModelPath(model.toString()).setOutputCol("w")
                .transformSchema(table(rows, 1).schema()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the output column 'w' is already a column of the table (double); choose another name");
    }

    @Test
    void aMissingModelFileIsNamed() {
        String missing = SparkTests.tempDir().resolve("nope.safetensors").toString();
        assertThatThrownBy(() -> new FlowScorer().setModelPath(missing).transform(table(rows, 1)))
                .hasMessage("cannot read the model file " + missing + ": no such model file");
    }

    @Test
    void theOutputSchemaAppendsANullableDoubleAndAVector() {
        StructType out = new FlowScorer().setModelPath(model.toString()).setLatentCol("z")
                .transformSchema(table(rows, 1).schema());
        assertThat(out.fieldNames()).containsExactly("id", "x", "y", "w", "log_likelihood", "z");
        assertThat(out.apply("log_likelihood").dataType()).isEqualTo(DataTypes.DoubleType);
        assertThat(out.apply("z").dataType().typeName()).isEqualTo("vector");
    }
}
