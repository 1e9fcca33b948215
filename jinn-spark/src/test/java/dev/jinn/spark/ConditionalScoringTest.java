package dev.jinn.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Conditional models (categorical and numeric conditions) scored on Spark against {@code jinn score}. */
class ConditionalScoringTest {
    private static final String[] COLOURS = {"red", "green", "blue"};
    private static SparkSession spark;
    private static List<double[]> rows;
    private static List<String> colours;
    private static List<String> temps;
    private static Path byColour;
    private static Path byTemp;
    private static Path colourCsv;
    private static Path tempCsv;

    @BeforeAll
    static void trainOnce() {
        spark = SparkTests.spark();
        Random r = new Random(5);
        rows = new ArrayList<>();
        colours = new ArrayList<>();
        temps = new ArrayList<>();
        for (int i = 0; i < 240; i++) {
            int k = i % 3;
            double t = 0.5 + r.nextDouble();
            rows.add(new double[] {k + 0.3 * r.nextGaussian(), t * r.nextGaussian()});
            colours.add(COLOURS[k]);
            temps.add(Double.toString(t));
        }
        colourCsv = SparkTests.csv("colour.csv", List.of("a", "b", "colour"), rows, colours);
        tempCsv = SparkTests.csv("temp.csv", List.of("a", "b", "t"), rows, temps);
        byColour = SparkTests.jinnTrain("colour", colourCsv, "--condition-column", "colour");
        byTemp = SparkTests.jinnTrain("temp", tempCsv, "--condition-column", "t");
    }

    private static Dataset<Row> table(String condName, DataType condType, List<?> conds) {
        List<Row> r = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            r.add(RowFactory.create((long) i, rows.get(i)[0], rows.get(i)[1], conds.get(i)));
        }
        StructType schema = new StructType().add("id", DataTypes.LongType).add("a", DataTypes.DoubleType)
                .add("b", DataTypes.DoubleType).add(condName, condType);
        return spark.createDataFrame(r, schema).repartition(3);
    }

    private static double[] byId(Dataset<Row> scored) {
        double[] out = new double[rows.size()];
        for (Row r : scored.select("id", "log_likelihood").collectAsList()) {
            out[(int) r.getLong(0)] = r.isNullAt(1) ? Double.NaN : r.getDouble(1);
        }
        return out;
    }

    @Test
    void aCategoricalConditionScoresAsJinnScore() {
        double[] got = byId(new FlowScorer().setModelPath(byColour.toString())
                .transform(table("colour", DataTypes.StringType, colours)));
        assertThat(got).containsExactly(SparkTests.jinnScore(byColour, colourCsv, 1024));
    }

    @Test
    void theConditionChangesTheScore() {
        List<String> shifted = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            shifted.add(COLOURS[(i + 1) % 3]);
        }
        double[] right = byId(new FlowScorer().setModelPath(byColour.toString())
                .transform(table("colour", DataTypes.StringType, colours)));
        double[] wrong = byId(new FlowScorer().setModelPath(byColour.toString())
                .transform(table("colour", DataTypes.StringType, shifted)));
        double meanRight = java.util.Arrays.stream(right).average().orElseThrow();
        double meanWrong = java.util.Arrays.stream(wrong).average().orElseThrow();
        // The classes sit one unit apart with spread 0.3: even a briefly trained model finds the rows less likely
        // under the wrong label.
        assertThat(meanRight).isGreaterThan(meanWrong + 0.2);
    }

    @Test
    void aNumericConditionFromADoubleColumnScoresAsJinnScore() {
        List<Double> t = temps.stream().map(Double::parseDouble).toList();
        double[] got = byId(new FlowScorer().setModelPath(byTemp.toString())
                .transform(table("t", DataTypes.DoubleType, t)));
        assertThat(got).containsExactly(SparkTests.jinnScore(byTemp, tempCsv, 1024));
    }

    @Test
    void anUnknownCategoryOrANullConditionGivesANullScore() {
        List<String> c = new ArrayList<>(colours);
        c.set(4, "purple");
        c.set(9, null);
        FlowScorer s = new FlowScorer().setModelPath(byColour.toString());
        double[] got = byId(s.transform(table("colour", DataTypes.StringType, c)));
        double[] cli = SparkTests.jinnScore(byColour, colourCsv, 1024);
        assertThat(got[4]).isNaN();
        assertThat(got[9]).isNaN();
        assertThat(got[5]).isEqualTo(cli[5]);
        assertThat(s.invalidRows().value()).isEqualTo(2L);
    }

    @Test
    void aRenamedConditionColumnIsFound() {
        double[] got = byId(new FlowScorer().setModelPath(byColour.toString()).setConditionCol("label")
                .transform(table("label", DataTypes.StringType, colours)));
        assertThat(got).containsExactly(SparkTests.jinnScore(byColour, colourCsv, 1024));
    }

    @Test
    void aNumericConditionInAStringColumnIsRefusedWithItsType() {
        assertThatThrownBy(() -> new FlowScorer().setModelPath(byTemp.toString())
                .transformSchema(table("t", DataTypes.StringType, temps).schema()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the condition column 't' must be numeric for the numeric condition of the model " + byTemp
                        + ", but it is string");
    }

    @Test
    void aConditionColumnForAnUnconditionalModelIsRefused() {
        Path plain = SparkTests.jinnTrain("plain2d", SparkTests.csv("plain2d.csv", List.of("a", "b"), rows, null));
        assertThatThrownBy(() -> new FlowScorer().setModelPath(plain.toString()).setConditionCol("colour")
                .transformSchema(table("colour", DataTypes.StringType, colours).schema()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the model " + plain + " is unconditional, but the condition column 'colour' was given");
    }
}
