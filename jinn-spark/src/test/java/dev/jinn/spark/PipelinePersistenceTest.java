package dev.jinn.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.SQLTransformer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The scorer in Spark ML pipelines: saved and loaded with its parameters, alone and inside a PipelineModel. */
class PipelinePersistenceTest {
    private static SparkSession spark;
    private static Path model;
    private static Dataset<Row> table;

    @BeforeAll
    static void setUp() {
        spark = SparkTests.spark();
        List<double[]> rows = SparkTests.gaussianRows(120, 4);
        model = SparkTests.jinnTrain("pipeline", SparkTests.csv("pipeline.csv", List.of("x", "y", "w"), rows, null));
        List<Row> r = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            r.add(RowFactory.create((long) i, rows.get(i)[0], rows.get(i)[1], rows.get(i)[2] / 100));
        }
        table = spark.createDataFrame(r, new StructType().add("id", DataTypes.LongType).add("x", DataTypes.DoubleType)
                .add("y", DataTypes.DoubleType).add("w_hundreds", DataTypes.DoubleType));
    }

    private static List<Double> scores(Dataset<Row> scored, String col) {
        return scored.orderBy("id").select(col).collectAsList().stream().map(r -> r.getDouble(0)).toList();
    }

    @Test
    void aSavedScorerLoadsWithItsParameters() throws Exception {
        Path dir = SparkTests.tempDir().resolve("scorer-" + System.nanoTime());
        FlowScorer s = new FlowScorer().setModelPath(model.toString()).setOutputCol("ll").setLatentCol("z")
                .setBatchSize(17);
        s.write().save(dir.toString());
        FlowScorer back = FlowScorer.load(dir.toString());
        assertThat(back.uid()).isEqualTo(s.uid());
        assertThat(back.getOrDefault(back.modelPath())).isEqualTo(model.toString());
        assertThat(back.getOrDefault(back.outputCol())).isEqualTo("ll");
        assertThat(back.getOrDefault(back.latentCol())).isEqualTo("z");
        assertThat(back.getOrDefault(back.batchSize())).isEqualTo(17);
    }

    @Test
    void aPipelineModelHoldingTheScorerSavesLoadsAndScoresTheSame() throws Exception {
        // A feature step before the scorer: w comes back to the model's units from a column in hundreds.
        SQLTransformer units = new SQLTransformer().setStatement("SELECT *, w_hundreds * 100 AS w FROM __THIS__");
        FlowScorer scorer = new FlowScorer().setModelPath(model.toString());
        PipelineModel fitted = new Pipeline().setStages(new PipelineStage[] {units, scorer}).fit(table);
        List<Double> before = scores(fitted.transform(table), "log_likelihood");
        Path dir = SparkTests.tempDir().resolve("pipeline-" + System.nanoTime());
        fitted.write().save(dir.toString());
        PipelineModel loaded = PipelineModel.load(dir.toString());
        assertThat(loaded.stages()[1]).isInstanceOf(FlowScorer.class);
        assertThat(scores(loaded.transform(table), "log_likelihood")).containsExactlyElementsOf(before);
        // The pipeline's scores are the scorer's on the converted table.
        Dataset<Row> converted = units.transform(table);
        assertThat(scores(new FlowScorer().setModelPath(model.toString()).transform(converted), "log_likelihood"))
                .containsExactlyElementsOf(before);
    }
}
