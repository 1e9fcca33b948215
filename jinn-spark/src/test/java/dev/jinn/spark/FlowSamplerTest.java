package dev.jinn.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.jinn.autograd.Grad;
import dev.jinn.model.ModelFile;
import dev.jinn.tensor.DType;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Samples drawn on Spark: independent of the partitioning, in data units, conditional ones too. */
class FlowSamplerTest {
    private static SparkSession spark;
    private static Path model;
    private static Path byColour;

    @BeforeAll
    static void trainOnce() {
        spark = SparkTests.spark();
        model = SparkTests.jinnTrain("sampled", SparkTests.csv("sampled.csv", List.of("x", "y", "w"),
                SparkTests.gaussianRows(300, 3), null));
        Random r = new Random(8);
        List<double[]> rows = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            rows.add(new double[] {4.0 * (i % 2) + 0.3 * r.nextGaussian(), r.nextGaussian()});
            labels.add(i % 2 == 0 ? "low" : "high");
        }
        byColour = SparkTests.jinnTrain("labelled", SparkTests.csv("labelled.csv", List.of("a", "b", "label"), rows,
                labels), "--condition-column", "label", "--steps", "150");
    }

    private static double[][] byIndex(Dataset<Row> s, int n, int d) {
        double[][] out = new double[n][];
        for (Row r : s.collectAsList()) {
            double[] v = new double[d];
            for (int j = 0; j < d; j++) {
                v[j] = r.getDouble(1 + j);
            }
            out[(int) r.getLong(0)] = v;
        }
        return out;
    }

    @Test
    void theSameRowsComeOutForAnyPartitionCount() {
        double[][] one = byIndex(FlowSampler.sample(spark, model.toString(), 500, 42, 1), 500, 3);
        double[][] five = byIndex(FlowSampler.sample(spark, model.toString(), 500, 42, 5), 500, 3);
        assertThat(five).isDeepEqualTo(one);
    }

    @Test
    void aSampleDependsOnlyOnTheSeedAndItsIndex() {
        double[][] many = byIndex(FlowSampler.sample(spark, model.toString(), 200, 42, 3), 200, 3);
        double[][] few = byIndex(FlowSampler.sample(spark, model.toString(), 20, 42, 2), 20, 3);
        for (int i = 0; i < 20; i++) {
            assertThat(few[i]).as("sample %d", i).containsExactly(many[i]);
        }
        double[][] other = byIndex(FlowSampler.sample(spark, model.toString(), 20, 43, 2), 20, 3);
        assertThat(other[0][0]).isNotEqualTo(few[0][0]);
    }

    @Test
    void aSampleIsTheInverseFlowOfItsLatentCodeInDataUnits() throws Exception {
        double[][] got = byIndex(FlowSampler.sample(spark, model.toString(), 30, 9, 2), 30, 3);
        ModelFile m = ModelFile.load(model);
        double[] mean = m.transform().mean();
        double[] std = m.transform().std();
        float[] z = new float[30 * 3];
        for (int i = 0; i < 30; i++) {
            System.arraycopy(SamplingIterator.latent(9, i, 3), 0, z, 3 * i, 3);
        }
        double[] x;
        try (var g = Grad.disabled()) {
            m.model().eval();
            x = m.model().inverse(Tensors.of(z, 30, 3)).output().to(DType.FLOAT64).toDoubleArray();
        }
        for (int i = 0; i < 30; i++) {
            for (int j = 0; j < 3; j++) {
                assertThat(got[i][j]).as("sample %d column %d", i, j).isCloseTo(x[3 * i + j] * std[j] + mean[j],
                        within(1e-4 * std[j]));
            }
        }
    }

    @Test
    void theColumnsAreTheModelsInDataUnits() {
        Dataset<Row> s = FlowSampler.sample(spark, model.toString(), 2000, 1, 2);
        assertThat(s.columns()).containsExactly("index", "x", "y", "w");
        Row stats = s.selectExpr("avg(x)", "stddev_pop(w)").first();
        // The data: x = 10 + 2a, w = 100c + 5a; a briefly trained model keeps location and scale.
        assertThat(stats.getDouble(0)).isCloseTo(10, within(1.5));
        assertThat(stats.getDouble(1)).isBetween(50.0, 200.0);
    }

    @Test
    void aConditionalModelSamplesEachRowsCondition() {
        List<Row> conds = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            conds.add(RowFactory.create(i % 2 == 0 ? "low" : "high"));
        }
        Dataset<Row> c = spark.createDataFrame(conds, new StructType().add("label", DataTypes.StringType));
        Dataset<Row> s = FlowSampler.sample(spark, byColour.toString(), c, 3);
        assertThat(s.columns()).containsExactly("index", "a", "b", "label");
        List<Row> means = s.groupBy("label").avg("a").orderBy("label").collectAsList();
        // "high" rows have a ≈ 4, "low" rows a ≈ 0.
        assertThat(means.get(0).getDouble(1)).isGreaterThan(means.get(1).getDouble(1) + 2);
    }

    @Test
    void anIndexColumnSeedsEachConditionalSampleWhateverThePartitioning() {
        List<Row> conds = new ArrayList<>();
        for (long i = 0; i < 60; i++) {
            conds.add(RowFactory.create(i, i % 3 == 0 ? "low" : "high"));
        }
        StructType schema = new StructType().add("index", DataTypes.LongType).add("label", DataTypes.StringType);
        Dataset<Row> c = spark.createDataFrame(conds, schema);
        double[][] a = byIndex(FlowSampler.sample(spark, byColour.toString(), c.repartition(1), 5), 60, 2);
        double[][] b = byIndex(FlowSampler.sample(spark, byColour.toString(), c.repartition(4), 5), 60, 2);
        assertThat(b).isDeepEqualTo(a);
    }

    @Test
    void theWrongOverloadNamesTheRightOne() {
        assertThatThrownBy(() -> FlowSampler.sample(spark, byColour.toString(), 10, 1, 1))
                .hasMessage("the model " + byColour + " is conditional on 'label': pass a table of condition values to"
                        + " FlowSampler.sample(spark, modelPath, conditions, seed)");
        Dataset<Row> noLabel = spark.createDataFrame(List.of(RowFactory.create("x")),
                new StructType().add("colour", DataTypes.StringType));
        assertThatThrownBy(() -> FlowSampler.sample(spark, byColour.toString(), noLabel, 1))
                .hasMessage("the conditions table needs the model's condition column 'label'; its columns are [colour]");
    }
}
