package dev.jinn.spark;

import dev.jinn.model.ConditionEncoding;
import dev.jinn.model.DataTransform;
import dev.jinn.model.ModelFile;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Draws samples from a jinn model file as a table, in the data's units: a {@code long} column {@code index} and
 * the model's data columns (plus its condition column for a conditional model). Sample {@code i} is the inverse
 * flow applied to a latent code drawn from a generator seeded by {@code (seed, i)} alone, so the same rows come
 * out whatever the number of partitions, and any slice of indices can be drawn again on its own.
 *
 * <pre>{@code
 * Dataset<Row> s = FlowSampler.sample(spark, "hdfs:///models/model.safetensors", 1_000_000, 7, 16);
 * }</pre>
 */
public final class FlowSampler {
    private FlowSampler() {
    }

    /**
     * Samples an unconditional model.
     *
     * @param spark         the session
     * @param modelPath     the model file (any Hadoop path)
     * @param n             the number of samples, &ge; 0
     * @param seed          the seed
     * @param numPartitions the partitions of the result, &ge; 1
     * @return the samples, indices {@code 0..n-1}
     * @throws IllegalArgumentException for a conditional model (use {@link #sample(SparkSession, String, Dataset,
     *                                  long)}) or a bad count
     */
    public static Dataset<Row> sample(SparkSession spark, String modelPath, long n, long seed, int numPartitions) {
        if (n < 0 || numPartitions < 1) {
            throw new IllegalArgumentException("FlowSampler.sample: need n >= 0 and numPartitions >= 1, got n = " + n
                    + ", numPartitions = " + numPartitions);
        }
        ModelBytes bytes = ModelBytes.read(spark, modelPath);
        DataTransform t = transform(bytes);
        if (t.condition().kind() != ConditionEncoding.Kind.NONE) {
            throw new IllegalArgumentException("the model " + modelPath + " is conditional on '" + t.condition().column()
                    + "': pass a table of condition values to FlowSampler.sample(spark, modelPath, conditions, seed)");
        }
        Dataset<Row> indices = spark.range(0, n, 1, numPartitions).toDF("index");
        return draw(spark, bytes, t, indices, seed, null);
    }

    /**
     * Samples a conditional model: one sample per row of {@code conditions}, which holds the model's condition
     * column and optionally a {@code long} column {@code index} (the sample's index, which seeds its latent code;
     * without it the rows are numbered in the table's order).
     *
     * @param spark      the session
     * @param modelPath  the model file
     * @param conditions the condition values
     * @param seed       the seed
     * @return the samples with their index and condition, as many as {@code conditions} has rows
     * @throws IllegalArgumentException when the model is unconditional or the table lacks the condition column
     */
    public static Dataset<Row> sample(SparkSession spark, String modelPath, Dataset<Row> conditions, long seed) {
        ModelBytes bytes = ModelBytes.read(spark, modelPath);
        DataTransform t = transform(bytes);
        ConditionEncoding enc = t.condition();
        if (enc.kind() == ConditionEncoding.Kind.NONE) {
            throw new IllegalArgumentException("the model " + modelPath + " is unconditional: use"
                    + " FlowSampler.sample(spark, modelPath, n, seed, numPartitions)");
        }
        List<String> names = Arrays.asList(conditions.columns());
        if (!names.contains(enc.column())) {
            throw new IllegalArgumentException("the conditions table needs the model's condition column '"
                    + enc.column() + "'; its columns are " + names);
        }
        Dataset<Row> indexed;
        if (names.contains("index")) {
            if (!(conditions.schema().apply("index").dataType() instanceof LongType)) {
                throw new IllegalArgumentException("the conditions table's column 'index' must be long, but it is "
                        + conditions.schema().apply("index").dataType().simpleString());
            }
            indexed = conditions.select("index", enc.column());
        } else {
            StructType schema = new StructType().add("index", DataTypes.LongType)
                    .add(conditions.schema().apply(enc.column()));
            int c = names.indexOf(enc.column());
            indexed = spark.createDataFrame(conditions.toJavaRDD().zipWithIndex()
                    .map(p -> RowFactory.create(p._2(), p._1().get(c))), schema);
        }
        return draw(spark, bytes, t, indexed, seed, indexed.schema().apply(enc.column()));
    }

    private static DataTransform transform(ModelBytes bytes) {
        ModelFile m = ExecutorModels.borrow(bytes);
        ExecutorModels.release(bytes, m);
        return m.transform();
    }

    private static Dataset<Row> draw(SparkSession spark, ModelBytes bytes, DataTransform t, Dataset<Row> indices,
            long seed, StructField condition) {
        List<StructField> fields = new ArrayList<>();
        fields.add(DataTypes.createStructField("index", DataTypes.LongType, false));
        for (String c : t.columns()) {
            fields.add(DataTypes.createStructField(c, DataTypes.DoubleType, false));
        }
        if (condition != null) {
            fields.add(condition);
        }
        Broadcast<ModelBytes> b = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(bytes);
        boolean conditional = condition != null;
        return indices.mapPartitions((MapPartitionsFunction<Row, Row>) rows ->
                new SamplingIterator(rows, b.value(), seed, conditional), Encoders.row(DataTypes.createStructType(fields)));
    }
}
