package dev.jinn.cli.data;

import dev.jinn.model.DecimalNumber;
import dev.jinn.model.ConditionEncoding;
import dev.jinn.model.DataTransform;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import dev.jinn.train.Batch;
import dev.jinn.train.BatchSource;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A data set ready for training: a {@link BatchSource} of training batches and a held-out validation set, both in
 * model units, the {@link DataTransform} to store with the model, and some rows in data units for plots.
 *
 * <ul>
 *   <li>2-D sets ({@link Toy2D}): fresh samples every batch; the validation set is 2000 samples from a generator
 *       independent of the training one; used as they are (no standardisation).</li>
 *   <li>{@code digits} ({@link Digits}): 20% of the images (a split fixed for all seeds) are held out; pixels are
 *       dequantised with uniform noise, standardised with one global mean and deviation, and conditioned on the
 *       one-hot label.</li>
 *   <li>CSV files: a {@code 1/10} validation split (files of 20 rows or more), per-column standardisation, and an
 *       optional condition column (categorical → one-hot, numeric → as is).</li>
 * </ul>
 *
 * @param name       the data set's name or file, for provenance
 * @param transform  the map from data units to model units
 * @param source     training batches in model units
 * @param validation the held-out set in model units, or null when the data set is too small
 * @param plotRows   up to 2000 rows in data units, for plots
 * @param trainingRows the number of distinct training rows, or {@link #GENERATED} for a set drawn afresh
 */
public record TrainingData(String name, DataTransform transform, BatchSource source, Batch validation,
        List<double[]> plotRows, int trainingRows) {
    /** The validation samples drawn for a 2-D set. */
    public static final int TOY_VALIDATION = 2000;
    /** {@link #trainingRows()} of a 2-D set, which draws new points for every batch. */
    public static final int GENERATED = -1;
    private static final int PLOT_ROWS = 2000;
    private static final long VALIDATION_STREAM = 0x6A09E667F3BCC909L;

    /**
     * Copies the plot rows.
     *
     * @param name       the name
     * @param transform  the transform
     * @param source     the batch source
     * @param validation the validation set
     * @param plotRows   rows for plots
     * @param trainingRows distinct training rows, or {@link #GENERATED}
     */
    public TrainingData {
        plotRows = List.copyOf(plotRows);
    }

    /**
     * What to load.
     *
     * @param spec            a 2-D set's name, {@code digits}, or a CSV file path
     * @param conditionColumn the CSV column to condition on, or null
     * @param conditionType   {@code auto} (categorical when any value is not a number), {@code categorical} or
     *                        {@code numeric}
     * @param noise           the noise of a 2-D set, or NaN for its default
     * @param seed            the run's seed (validation draws and CSV split)
     */
    public record Options(String spec, String conditionColumn, String conditionType, double noise, long seed) {
    }

    /**
     * Loads a data set.
     *
     * @param o what to load
     * @return the data
     * @throws IOException              when a CSV file cannot be read
     * @throws DataException            for malformed CSV content
     * @throws IllegalArgumentException for an unknown set name or inconsistent options
     */
    public static TrainingData load(Options o) throws IOException {
        String spec = o.spec();
        if (Toy2D.isId(spec)) {
            if (o.conditionColumn() != null) {
                throw new IllegalArgumentException("--condition-column applies to CSV files; " + spec
                        + " has no condition");
            }
            return toy(Toy2D.byId(spec), Double.isNaN(o.noise()) ? Toy2D.byId(spec).defaultNoise() : o.noise(),
                    o.seed());
        }
        if (spec.equalsIgnoreCase("digits")) {
            if (o.conditionColumn() != null) {
                throw new IllegalArgumentException("--condition-column applies to CSV files; digits is always"
                        + " conditioned on its label");
            }
            return digits();
        }
        if (isFile(spec)) {
            return csv(Path.of(spec), o.conditionColumn(), o.conditionType(), o.seed());
        }
        throw new IllegalArgumentException("unknown data set '" + spec + "'; known: " + Toy2D.ids()
                + ", digits, or a .csv file");
    }

    /**
     * Whether a data option names a CSV file (rather than a built-in set).
     *
     * @param spec the {@code --data} value
     * @return true for {@code .csv} and {@code .csv.gz} names
     */
    public static boolean isFile(String spec) {
        String s = spec.toLowerCase(Locale.ROOT);
        return !Toy2D.isId(spec) && (s.endsWith(".csv") || s.endsWith(".csv.gz"));
    }

    /**
     * A 2-D set.
     *
     * @param set   the set
     * @param noise its noise
     * @param seed  the run's seed
     * @return the data
     */
    public static TrainingData toy(Toy2D set, double noise, long seed) {
        Tensor val = set.sample(TOY_VALIDATION, noise, new Rng(seed ^ VALIDATION_STREAM));
        return new TrainingData(set.id(), DataTransform.identity(List.of("x", "y")),
                (b, rng) -> Batch.of(set.sample(b, noise, rng)), Batch.of(val), rows(val), GENERATED);
    }

    private static List<double[]> rows(Tensor t) {
        int n = t.size(0);
        int d = t.size(1);
        double[] v = t.to(dev.jinn.tensor.DType.FLOAT64).toDoubleArray();
        List<double[]> out = new ArrayList<>();
        for (int i = 0; i < Math.min(n, PLOT_ROWS); i++) {
            double[] r = new double[d];
            System.arraycopy(v, i * d, r, 0, d);
            out.add(r);
        }
        return out;
    }

    /**
     * The digits, conditioned on their labels.
     *
     * @return the data
     */
    public static TrainingData digits() {
        Digits all = Digits.load();
        // A split that does not depend on the run's seed, so held-out figures compare across runs.
        long[] order = Tensors.randperm(new Rng(0), all.size()).toLongArray();
        int held = all.size() / 5;
        List<double[]> train = new ArrayList<>();
        List<Integer> trainLabels = new ArrayList<>();
        List<double[]> val = new ArrayList<>();
        List<Integer> valLabels = new ArrayList<>();
        for (int k = 0; k < order.length; k++) {
            int i = (int) order[k];
            (k < held ? val : train).add(all.image(i));
            (k < held ? valLabels : trainLabels).add(all.label(i));
        }
        // One mean and deviation for all pixels (per-pixel statistics would blow up the always-blank corners),
        // of the dequantised values v + u, u ~ U[0, 1): mean(v) + ½ and var(v) + 1/12.
        double sum = 0;
        double sq = 0;
        long n = 0;
        for (double[] img : train) {
            for (double v : img) {
                sum += v;
                sq += v * v;
                n++;
            }
        }
        double mean = sum / n + 0.5;
        double std = Math.sqrt(sq / n - (sum / n) * (sum / n) + 1.0 / 12);
        double[] means = new double[Digits.PIXELS];
        double[] stds = new double[Digits.PIXELS];
        java.util.Arrays.fill(means, mean);
        java.util.Arrays.fill(stds, std);
        List<String> classes = new ArrayList<>();
        for (int c = 0; c < Digits.CLASSES; c++) {
            classes.add(Integer.toString(c));
        }
        ConditionEncoding cond = new ConditionEncoding("label", ConditionEncoding.Kind.CATEGORICAL, classes);
        DataTransform t = new DataTransform(Digits.columns(), means, stds, Digits.LEVELS, cond);

        Tensor trainPixels = pixels(train);
        Tensor trainOneHot = oneHot(trainLabels);
        Tensor meanT = Tensors.scalar(mean).to(dev.jinn.tensor.DType.FLOAT32);
        Tensor stdT = Tensors.scalar(std).to(dev.jinn.tensor.DType.FLOAT32);
        BatchSource source = (b, rng) -> {
            Tensor idx = Tensors.randint(rng, 0, trainPixels.size(0), b);
            Tensor x = trainPixels.indexSelect(0, idx).add(Tensors.rand(rng, b, Digits.PIXELS)).sub(meanT).div(stdT);
            return Batch.of(x, trainOneHot.indexSelect(0, idx));
        };
        Tensor valX = pixels(val).add(Tensors.rand(new Rng(1), val.size(), Digits.PIXELS)).sub(meanT).div(stdT);
        List<double[]> plot = new ArrayList<>(train.subList(0, Math.min(PLOT_ROWS, train.size())));
        return new TrainingData("digits", t, source, Batch.of(valX, oneHot(valLabels)), plot, train.size());
    }

    private static Tensor pixels(List<double[]> images) {
        float[] v = new float[images.size() * Digits.PIXELS];
        for (int i = 0; i < images.size(); i++) {
            for (int j = 0; j < Digits.PIXELS; j++) {
                v[i * Digits.PIXELS + j] = (float) images.get(i)[j];
            }
        }
        return Tensors.of(v, images.size(), Digits.PIXELS);
    }

    private static Tensor oneHot(List<Integer> labels) {
        float[] v = new float[labels.size() * Digits.CLASSES];
        for (int i = 0; i < labels.size(); i++) {
            v[i * Digits.CLASSES + labels.get(i)] = 1f;
        }
        return Tensors.of(v, labels.size(), Digits.CLASSES);
    }

    /**
     * A CSV file.
     *
     * @param path            the file
     * @param conditionColumn the condition column, or null
     * @param conditionType   {@code auto}, {@code categorical} or {@code numeric}
     * @param seed            the seed of the validation split
     * @return the data
     * @throws IOException   when the file cannot be read
     * @throws DataException for malformed content
     */
    public static TrainingData csv(Path path, String conditionColumn, String conditionType, long seed)
            throws IOException {
        String type = conditionType == null ? "auto" : conditionType.toLowerCase(Locale.ROOT);
        if (!Set.of("auto", "categorical", "numeric").contains(type)) {
            throw new IllegalArgumentException("--condition-type must be auto, categorical or numeric, got '"
                    + conditionType + "'");
        }
        List<double[]> rows = new ArrayList<>();
        List<String> conds = new ArrayList<>();
        List<Long> lines = new ArrayList<>();
        List<String> columns;
        try (CsvData in = CsvData.openAll(path, conditionColumn)) {
            columns = in.columns();
            CsvData.Chunk c;
            while ((c = in.next(4096)).size() > 0) {
                rows.addAll(c.rows());
                conds.addAll(c.conditions());
                lines.addAll(c.lines());
            }
        }
        if (rows.isEmpty()) {
            throw new DataException(path.toString(), 0, 0, null, "the file has a header but no data rows");
        }
        ConditionEncoding cond = ConditionEncoding.NONE;
        if (conditionColumn != null) {
            boolean numeric = conds.stream().allMatch(TrainingData::isNumber);
            if (type.equals("numeric") && !numeric) {
                int bad = 0;
                while (isNumber(conds.get(bad))) {
                    bad++;
                }
                throw new DataException(path.toString(), lines.get(bad), 0, conditionColumn, "'" + conds.get(bad)
                        + "' is not a number (--condition-type numeric)");
            }
            if (type.equals("numeric") || (type.equals("auto") && numeric)) {
                double lo = Double.POSITIVE_INFINITY;
                double hi = Double.NEGATIVE_INFINITY;
                for (String v : conds) {
                    lo = Math.min(lo, DecimalNumber.parse(v));
                    hi = Math.max(hi, DecimalNumber.parse(v));
                }
                cond = new ConditionEncoding(conditionColumn, ConditionEncoding.Kind.NUMERIC, List.of())
                        .withRange(lo, hi);
            } else {
                Set<String> seen = new LinkedHashSet<>();
                for (String s : conds) {
                    seen.add(s.strip());
                }
                List<String> cats = new ArrayList<>(seen);
                cats.sort(numeric ? Comparator.comparingDouble(DecimalNumber::parse) : Comparator.naturalOrder());
                if (cats.size() < 2) {
                    throw new DataException(path.toString(), 0, 0, conditionColumn, "the condition column has only one"
                            + " category, " + cats + "; a condition needs at least two");
                }
                cond = new ConditionEncoding(conditionColumn, ConditionEncoding.Kind.CATEGORICAL, cats);
            }
        }
        long[] order = Tensors.randperm(new Rng(seed ^ VALIDATION_STREAM), rows.size()).toLongArray();
        int held = rows.size() >= 20 ? rows.size() / 10 : 0;
        List<double[]> trainRows = new ArrayList<>();
        List<String> trainConds = new ArrayList<>();
        List<double[]> valRows = new ArrayList<>();
        List<String> valConds = new ArrayList<>();
        for (int k = 0; k < order.length; k++) {
            int i = (int) order[k];
            (k < held ? valRows : trainRows).add(rows.get(i));
            if (conditionColumn != null) {
                (k < held ? valConds : trainConds).add(conds.get(i));
            }
        }
        DataTransform t = DataTransform.standardize(columns, trainRows, cond);
        Batch train = t.toBatch(trainRows, trainConds);
        Batch val = held > 0 ? t.toBatch(valRows, valConds) : null;
        return new TrainingData(path.toString(), t, BatchSource.rows(train), val,
                rows.subList(0, Math.min(PLOT_ROWS, rows.size())), trainRows.size());
    }

    private static boolean isNumber(String s) {
        try {
            DecimalNumber.parse(s);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
