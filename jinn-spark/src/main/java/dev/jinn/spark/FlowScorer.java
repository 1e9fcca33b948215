package dev.jinn.spark;

import dev.jinn.model.ModelFile;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;

/**
 * Scores the rows of a table under a jinn model file: a Spark ML {@link Transformer} that appends each row's
 * log-likelihood in the data's units, the number {@code jinn score} prints for the same row (same
 * standardisation, same condition encoding, same float32 flow), and optionally its latent vector.
 *
 * <pre>{@code
 * Dataset<Row> scored = new FlowScorer().setModelPath("hdfs:///models/model.safetensors").transform(table);
 * }</pre>
 *
 * <p>The model file is read once on the driver and broadcast as bytes; each executor JVM builds the flow once per
 * content hash and reuses it for every task ({@link ExecutorModels}). Rows are scored in batches of
 * {@link #setBatchSize(int) batchSize} inside each partition, without autograd. A row with a null or non-finite
 * input, an unknown category, or a non-finite result gets a null score instead of failing the job; such rows are
 * counted in the accumulator {@link #invalidRows()} (filled when an action runs the transformation; a task
 * retried by Spark may count its rows again) and the first reason is logged once per executor.
 *
 * <p>It saves and loads with its parameters ({@code MLWritable}/{@code MLReadable}), so a
 * {@code PipelineModel} holding it does too; the model file itself is not copied into the saved pipeline, which
 * refers to it by its path.
 */
public final class FlowScorer extends Transformer implements DefaultParamsWritable {
    private static final long serialVersionUID = 1L;

    /** The stage's uid. */
    private final String uid;
    /** The model file. */
    private final Param<String> modelPath;
    /** The data columns, in the model's order. */
    private final StringArrayParam inputCols;
    /** The condition column. */
    private final Param<String> conditionCol;
    /** The log-likelihood column to add. */
    private final Param<String> outputCol;
    /** The latent vector column to add, or empty. */
    private final Param<String> latentCol;
    /** Rows per forward pass. */
    private final IntParam batchSize;
    /** The count of rows without a score in the last transformation (driver only). */
    private transient LongAccumulator invalid;

    /** A scorer with a random uid. */
    public FlowScorer() {
        this(Identifiable.randomUID("flowScorer"));
    }

    /**
     * A scorer with the given uid (as {@code MLReader} makes it when loading).
     *
     * @param uid the uid
     */
    public FlowScorer(String uid) {
        this.uid = uid;
        modelPath = new Param<>(this, "modelPath", "the jinn model file (a Hadoop path)");
        inputCols = new StringArrayParam(this, "inputCols", "the data columns in the model's column order"
                + " (default: the model's own column names)");
        conditionCol = new Param<>(this, "conditionCol", "the condition column of a conditional model (default: the"
                + " model's own condition column name)");
        outputCol = new Param<>(this, "outputCol", "the log-likelihood column to add");
        latentCol = new Param<>(this, "latentCol", "the latent vector column to add (empty: none)");
        batchSize = new IntParam(this, "batchSize", "rows per forward pass", ParamValidators.gtEq(1));
        setDefault(outputCol, "log_likelihood");
        setDefault(latentCol, "");
        setDefault(batchSize, (Object) 4096);
    }

    @Override
    public String uid() {
        return uid;
    }

    /**
     * The model file parameter.
     *
     * @return the param
     */
    public Param<String> modelPath() {
        return modelPath;
    }

    /**
     * The data columns parameter.
     *
     * @return the param
     */
    public StringArrayParam inputCols() {
        return inputCols;
    }

    /**
     * The condition column parameter.
     *
     * @return the param
     */
    public Param<String> conditionCol() {
        return conditionCol;
    }

    /**
     * The log-likelihood column parameter.
     *
     * @return the param
     */
    public Param<String> outputCol() {
        return outputCol;
    }

    /**
     * The latent vector column parameter.
     *
     * @return the param
     */
    public Param<String> latentCol() {
        return latentCol;
    }

    /**
     * The batch size parameter.
     *
     * @return the param
     */
    public IntParam batchSize() {
        return batchSize;
    }

    /**
     * Sets the model file: one written by {@code jinn train} or {@code DistributedTrainer}, on any path Hadoop
     * reads.
     *
     * @param path the file
     * @return this scorer
     */
    public FlowScorer setModelPath(String path) {
        set(modelPath, path);
        return this;
    }

    /**
     * Sets the data columns, in the model's column order (default: the model's column names).
     *
     * @param cols the columns
     * @return this scorer
     */
    public FlowScorer setInputCols(String... cols) {
        set(inputCols, cols);
        return this;
    }

    /**
     * Sets the condition column of a conditional model (default: the model's condition column name).
     *
     * @param col the column
     * @return this scorer
     */
    public FlowScorer setConditionCol(String col) {
        set(conditionCol, col);
        return this;
    }

    /**
     * Sets the name of the log-likelihood column (default {@code log_likelihood}).
     *
     * @param col the column to add
     * @return this scorer
     */
    public FlowScorer setOutputCol(String col) {
        set(outputCol, col);
        return this;
    }

    /**
     * Also appends each row's latent vector {@code z = f(x)} (model units) as an ML {@code Vector} column.
     *
     * @param col the column to add; empty for none (the default)
     * @return this scorer
     */
    public FlowScorer setLatentCol(String col) {
        set(latentCol, col);
        return this;
    }

    /**
     * Sets the rows per forward pass (default 4096).
     *
     * @param size at least 1
     * @return this scorer
     */
    public FlowScorer setBatchSize(int size) {
        set(batchSize, (Object) size);
        return this;
    }

    /**
     * The accumulator counting the rows that got a null score in this scorer's transformations (null before the
     * first {@link #transform(Dataset)}).
     *
     * @return the accumulator
     */
    public LongAccumulator invalidRows() {
        return invalid;
    }

    @Override
    public StructType transformSchema(StructType schema) {
        return outputSchema(schema, SparkSession.active(), modelFile(SparkSession.active()).model());
    }

    private StructType outputSchema(StructType schema, SparkSession spark, ModelFile m) {
        columns(schema, m);
        String out = $(outputCol);
        if (out == null || out.isEmpty()) {
            throw new IllegalArgumentException("the output column name is empty");
        }
        ModelColumns.requireNew(schema, out, "output column");
        List<StructField> fields = new ArrayList<>(List.of(schema.fields()));
        fields.add(DataTypes.createStructField(out, DataTypes.DoubleType, true));
        String lat = $(latentCol);
        if (!lat.isEmpty()) {
            ModelColumns.requireNew(schema, lat, "latent column");
            if (lat.equals(out)) {
                throw new IllegalArgumentException("the latent column and the output column are both '" + out + "'");
            }
            fields.add(DataTypes.createStructField(lat, SQLDataTypes.VectorType(), true));
        }
        return DataTypes.createStructType(fields);
    }

    private ModelColumns columns(StructType schema, ModelFile m) {
        return ModelColumns.resolve(schema, m.transform(), isDefined(inputCols) ? $(inputCols) : null,
                isDefined(conditionCol) ? $(conditionCol) : null, $(modelPath));
    }

    /** The model read on the driver: its bytes (to broadcast) and the loaded file (for the schema). */
    private record Loaded(ModelBytes bytes, ModelFile model) {
    }

    private Loaded modelFile(SparkSession spark) {
        if (!isDefined(modelPath)) {
            throw new IllegalArgumentException("FlowScorer " + uid + ": no model file; call setModelPath");
        }
        ModelBytes bytes = ModelBytes.read(spark, $(modelPath));
        ModelFile m = ExecutorModels.borrow(bytes);
        ExecutorModels.release(bytes, m);
        return new Loaded(bytes, m);
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        SparkSession spark = dataset.sparkSession();
        Loaded loaded = modelFile(spark);
        StructType schema = dataset.schema();
        StructType out = outputSchema(schema, spark, loaded.model());
        ModelColumns cols = columns(schema, loaded.model());
        invalid = spark.sparkContext().longAccumulator("jinn.FlowScorer." + uid + ".invalidRows");
        Broadcast<ModelBytes> bytes = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(loaded.bytes());
        int batch = (Integer) $(batchSize);
        boolean latent = !$(latentCol).isEmpty();
        LongAccumulator counter = invalid;
        String id = uid;
        return dataset.toDF().mapPartitions(
                (org.apache.spark.api.java.function.MapPartitionsFunction<Row, Row>) rows ->
                        new ScoringIterator(rows, bytes.value(), cols, batch, latent, counter, id),
                Encoders.row(out));
    }

    @Override
    public FlowScorer copy(ParamMap extra) {
        return (FlowScorer) defaultCopy(extra);
    }

    /**
     * The reader of saved scorers (Spark ML's convention for {@code MLReadable} classes in Java).
     *
     * @return the reader
     */
    public static MLReader<FlowScorer> read() {
        return new DefaultParamsReader<>();
    }

    /**
     * Loads a scorer saved with {@code write().save(path)}.
     *
     * @param path the directory
     * @return the scorer
     */
    public static FlowScorer load(String path) {
        return read().load(path);
    }
}
