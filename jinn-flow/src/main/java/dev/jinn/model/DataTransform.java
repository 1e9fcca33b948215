package dev.jinn.model;

import dev.jinn.check.Require;
import dev.jinn.tensor.DType;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import dev.jinn.train.Batch;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The map between the data's own units and the units the flow is trained in, stored with the model so that
 * samples come back in the data's units and new data is scored the way the training data was seen.
 *
 * <p>Each column {@code j} is standardised, {@code x'_j = (x_j − mean_j) / std_j}, so the log-density in data
 * units is {@code log p(x) = log p'(x') − Σ_j log std_j} ({@link #nllOffset()} is that sum). Data with
 * {@code dequantizeLevels = L > 0} holds integers {@code 0..L−1} (image pixels): training adds uniform noise
 * {@code U[0, 1)} before standardising, and samples are mapped back by rounding down and clipping to that range.
 *
 * @param columns          the names of the data columns, in order
 * @param mean             the per-column mean (data units)
 * @param std              the per-column standard deviation, positive
 * @param dequantizeLevels L for integer data in {@code 0..L−1}, or 0 for continuous data
 * @param condition        how the condition column is encoded
 */
public record DataTransform(List<String> columns, double[] mean, double[] std, int dequantizeLevels,
        ConditionEncoding condition) {
    private static final String PREFIX = "jinn.data.";

    /**
     * Validates and copies.
     *
     * @param columns          the column names
     * @param mean             the means
     * @param std              the standard deviations
     * @param dequantizeLevels the integer levels or 0
     * @param condition        the condition encoding
     */
    public DataTransform {
        columns = List.copyOf(columns);
        mean = mean.clone();
        std = std.clone();
        if (mean.length != columns.size() || std.length != columns.size()) {
            throw new IllegalArgumentException("DataTransform: " + columns.size() + " columns but " + mean.length
                    + " means and " + std.length + " standard deviations");
        }
        for (int j = 0; j < std.length; j++) {
            if (!(std[j] > 0 && std[j] < Double.POSITIVE_INFINITY) || !Double.isFinite(mean[j])) {
                throw new IllegalArgumentException("DataTransform: column '" + columns.get(j) + "' has mean " + mean[j]
                        + " and standard deviation " + std[j] + " (need finite values and a positive deviation)");
            }
        }
        Require.atLeast(0, dequantizeLevels, "DataTransform: dequantizeLevels");
    }

    /**
     * The identity on named columns (data used as it is, e.g. the 2-D sets).
     *
     * @param columns the column names
     * @return the transform
     */
    public static DataTransform identity(List<String> columns) {
        double[] ones = new double[columns.size()];
        Arrays.fill(ones, 1.0);
        return new DataTransform(columns, new double[columns.size()], ones, 0, ConditionEncoding.NONE);
    }

    /**
     * Standardisation fitted to data: each column's mean and (population) standard deviation; a constant column
     * gets deviation 1 so it maps to 0.
     *
     * @param columns   the column names
     * @param rows      the data, one array per row
     * @param condition the condition encoding
     * @return the transform
     */
    public static DataTransform standardize(List<String> columns, List<double[]> rows, ConditionEncoding condition) {
        int d = columns.size();
        double[] mean = new double[d];
        double[] var = new double[d];
        for (double[] r : rows) {
            for (int j = 0; j < d; j++) {
                mean[j] += r[j];
            }
        }
        for (int j = 0; j < d; j++) {
            mean[j] /= Math.max(1, rows.size());
        }
        for (double[] r : rows) {
            for (int j = 0; j < d; j++) {
                var[j] += (r[j] - mean[j]) * (r[j] - mean[j]);
            }
        }
        for (int j = 0; j < d; j++) {
            var[j] /= Math.max(1, rows.size());
        }
        return fromMoments(columns, mean, var, condition);
    }

    /**
     * Standardisation from per-column moments computed elsewhere (e.g. merged across the partitions of a
     * distributed table): deviation {@code sqrt(variance)}, or 1 for a constant column so it maps to 0.
     *
     * @param columns   the column names
     * @param mean      each column's mean
     * @param variance  each column's population variance
     * @param condition the condition encoding
     * @return the transform
     */
    public static DataTransform fromMoments(List<String> columns, double[] mean, double[] variance,
            ConditionEncoding condition) {
        double[] std = new double[variance.length];
        for (int j = 0; j < std.length; j++) {
            double s = Math.sqrt(variance[j]);
            std[j] = s > 1e-12 * Math.max(1, Math.abs(mean[j])) ? s : 1.0;
        }
        return new DataTransform(columns, mean, std, 0, condition);
    }

    /**
     * The per-column means.
     *
     * @return a copy
     */
    @Override
    public double[] mean() {
        return mean.clone();
    }

    /**
     * The per-column standard deviations.
     *
     * @return a copy
     */
    @Override
    public double[] std() {
        return std.clone();
    }

    /**
     * The number of data columns.
     *
     * @return D
     */
    public int dims() {
        return columns.size();
    }

    /**
     * {@code Σ log std_j}: add it to an NLL measured on standardised data to get the NLL in data units.
     *
     * @return the offset in nats
     */
    public double nllOffset() {
        double s = 0;
        for (double v : std) {
            s += Math.log(v);
        }
        return s;
    }

    /**
     * Maps rows in data units to the model's units.
     *
     * @param rows the rows, each of length {@link #dims()}
     * @return a float32 tensor {@code [rows, D]}
     */
    public Tensor toModel(List<double[]> rows) {
        int d = dims();
        float[] out = new float[rows.size() * d];
        for (int i = 0; i < rows.size(); i++) {
            double[] r = rows.get(i);
            for (int j = 0; j < d; j++) {
                out[i * d + j] = (float) ((r[j] - mean[j]) / std[j]);
            }
        }
        return Tensors.of(out, rows.size(), d);
    }

    /**
     * The model's input batch for rows in data units: the rows standardised, and for a conditional model each
     * row's condition encoded ({@link ConditionEncoding#encode}).
     *
     * @param rows       the rows, each of length {@link #dims()}
     * @param conditions the condition value of each row as text; ignored (may be empty) for an unconditional
     *                   model
     * @return the batch, float32
     * @throws IllegalArgumentException for a condition value the encoding refuses
     */
    public Batch toBatch(List<double[]> rows, List<String> conditions) {
        Tensor x = toModel(rows);
        if (condition.kind() == ConditionEncoding.Kind.NONE) {
            return Batch.of(x);
        }
        if (conditions.size() != rows.size()) {
            throw new IllegalArgumentException("DataTransform.toBatch: " + rows.size() + " rows but "
                    + conditions.size() + " condition values");
        }
        int d = condition.dims();
        float[] c = new float[rows.size() * d];
        for (int i = 0; i < rows.size(); i++) {
            condition.encode(conditions.get(i), c, i * d);
        }
        return Batch.of(x, Tensors.of(c, rows.size(), d));
    }

    /**
     * Maps model outputs back to data units (rounded down and clipped for integer data).
     *
     * @param x the tensor {@code [n, D]} in model units
     * @return the rows in data units
     */
    public List<double[]> fromModel(Tensor x) {
        int n = x.size(0);
        int d = dims();
        if (x.dim() != 2 || x.size(1) != d) {
            throw new IllegalArgumentException("DataTransform.fromModel: expected [n, " + d + "], got "
                    + Arrays.toString(x.shape()));
        }
        double[] v = x.to(DType.FLOAT64).toDoubleArray();
        List<double[]> rows = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            double[] r = new double[d];
            for (int j = 0; j < d; j++) {
                r[j] = v[i * d + j] * std[j] + mean[j];
                if (dequantizeLevels > 0) {
                    r[j] = Math.max(0, Math.min(dequantizeLevels - 1, Math.floor(r[j])));
                }
            }
            rows.add(r);
        }
        return rows;
    }

    /**
     * The tensors to store with the model: {@code jinn.data.mean} and {@code jinn.data.std} (float64).
     *
     * @return name → tensor
     */
    public Map<String, Tensor> tensors() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put(PREFIX + "mean", Tensors.of(mean.clone()));
        out.put(PREFIX + "std", Tensors.of(std.clone()));
        return out;
    }

    /**
     * The metadata entries to store with the model.
     *
     * @return key → value
     */
    public Map<String, String> metadata() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(PREFIX + "columns", encodeList(columns));
        m.put(PREFIX + "dequantize_levels", Integer.toString(dequantizeLevels));
        m.put(PREFIX + "condition.kind", condition.kind().id());
        if (condition.column() != null) {
            m.put(PREFIX + "condition.column", condition.column());
        }
        if (!condition.categories().isEmpty()) {
            m.put(PREFIX + "condition.categories", encodeList(condition.categories()));
        }
        if (!Double.isNaN(condition.min())) {
            m.put(PREFIX + "condition.min", Double.toString(condition.min()));
            m.put(PREFIX + "condition.max", Double.toString(condition.max()));
        }
        return m;
    }

    /**
     * Reads a transform back from a model file's metadata and tensors.
     *
     * @param metadata the file's metadata
     * @param tensors  the file's tensors
     * @return the transform
     * @throws IllegalArgumentException naming the missing or malformed entry
     */
    public static DataTransform read(Map<String, String> metadata, Map<String, Tensor> tensors) {
        MetadataEntries entries = new MetadataEntries(metadata, PREFIX);
        String cols = entries.require("columns");
        Tensor mean = tensors.get(PREFIX + "mean");
        Tensor std = tensors.get(PREFIX + "std");
        if (mean == null || std == null) {
            throw new IllegalArgumentException("the tensors " + PREFIX + "mean and " + PREFIX + "std are missing");
        }
        int levels = entries.integer("dequantize_levels");
        String kindText = entries.require("condition.kind");
        ConditionEncoding.Kind kind = null;
        for (ConditionEncoding.Kind k : ConditionEncoding.Kind.values()) {
            if (k.id().equals(kindText)) {
                kind = k;
            }
        }
        if (kind == null) {
            throw new IllegalArgumentException(PREFIX + "condition.kind has the unknown value '" + kindText + "'");
        }
        String cats = metadata.get(PREFIX + "condition.categories");
        ConditionEncoding cond = kind == ConditionEncoding.Kind.NONE ? ConditionEncoding.NONE
                : new ConditionEncoding(entries.require("condition.column"), kind,
                        cats == null ? List.of() : decodeList(cats));
        if (entries.has("condition.min")) {
            cond = cond.withRange(entries.number("condition.min"), entries.number("condition.max"));
        }
        return new DataTransform(decodeList(cols), mean.to(DType.FLOAT64).toDoubleArray(),
                std.to(DType.FLOAT64).toDoubleArray(), levels, cond);
    }

    /** Joins names with commas, percent-encoding each (names may contain commas). */
    static String encodeList(List<String> items) {
        List<String> enc = new ArrayList<>();
        for (String s : items) {
            enc.add(URLEncoder.encode(s, StandardCharsets.UTF_8));
        }
        return String.join(",", enc);
    }

    static List<String> decodeList(String text) {
        List<String> out = new ArrayList<>();
        if (text.isEmpty()) {
            return out;
        }
        for (String s : text.split(",", -1)) {
            out.add(URLDecoder.decode(s, StandardCharsets.UTF_8));
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DataTransform t && columns.equals(t.columns) && Arrays.equals(mean, t.mean)
                && Arrays.equals(std, t.std) && dequantizeLevels == t.dequantizeLevels && condition.equals(t.condition);
    }

    @Override
    public int hashCode() {
        return columns.hashCode() * 31 + Arrays.hashCode(mean) * 17 + Arrays.hashCode(std) + dequantizeLevels;
    }

    @Override
    public String toString() {
        return "DataTransform" + columns + (dequantizeLevels > 0 ? " (integers 0.." + (dequantizeLevels - 1) + ")" : "")
                + (condition.kind() == ConditionEncoding.Kind.NONE ? "" : " conditioned on '" + condition.column()
                + "' (" + condition.kind().id() + ")");
    }
}
