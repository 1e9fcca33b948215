package dev.jinn.spark;

import dev.jinn.model.ModelFile;
import dev.jinn.model.ModelInference;
import dev.jinn.tensor.DType;
import dev.jinn.train.Batch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.util.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rows of one partition with their scores appended, computed a batch at a time: up to {@code batchSize}
 * input rows are read, the usable ones go through the flow in one forward pass, and the batch is handed out
 * before the next one is read (so a partition of any size takes one batch of memory). A row with a null or
 * non-finite input, an unknown category or a non-finite result gets a null score; it is counted in the
 * accumulator and the first reason in this JVM is logged.
 */
final class ScoringIterator extends BatchedRows {
    private static final Logger LOG = LoggerFactory.getLogger(FlowScorer.class);
    /** Reasons are logged once per JVM and scorer, not once per bad row. */
    private static final Set<String> LOGGED = ConcurrentHashMap.newKeySet();

    private final ModelBytes bytes;
    private final ModelColumns cols;
    private final boolean latent;
    private final LongAccumulator invalid;
    private final String scorer;

    /**
     * An iterator over one partition.
     *
     * @param in        the partition's rows
     * @param bytes     the broadcast model file
     * @param cols      where the model's inputs are
     * @param batchSize rows per forward pass
     * @param latent    whether to append the latent vector too
     * @param invalid   the count of rows without a score
     * @param scorer    the scorer's uid, for the log
     */
    ScoringIterator(Iterator<Row> in, ModelBytes bytes, ModelColumns cols, int batchSize, boolean latent,
            LongAccumulator invalid, String scorer) {
        super(in, batchSize);
        this.bytes = bytes;
        this.cols = cols;
        this.latent = latent;
        this.invalid = invalid;
        this.scorer = scorer;
    }

    @Override
    void process(List<Row> rows, List<Row> ready) {
        int d = cols.indices().length;
        String[] why = new String[rows.size()];
        List<double[]> values = new ArrayList<>(rows.size());
        List<String> conds = new ArrayList<>(rows.size());
        List<Integer> usable = new ArrayList<>(rows.size());
        ModelFile m = ExecutorModels.borrow(bytes);
        try {
            for (int i = 0; i < rows.size(); i++) {
                double[] v = new double[d];
                why[i] = cols.read(rows.get(i), v);
                String c = why[i] == null ? cols.conditionText(rows.get(i)) : "";
                if (why[i] == null && c == null) {
                    why[i] = "the condition column '" + cols.condition() + "' is null or not finite";
                }
                if (why[i] == null && cols.condIndex() >= 0) {
                    try {
                        m.transform().condition().encode(c, new float[m.transform().condition().dims()], 0);
                    } catch (IllegalArgumentException e) {
                        why[i] = e.getMessage();
                    }
                }
                if (why[i] == null) {
                    values.add(v);
                    conds.add(c);
                    usable.add(i);
                }
            }
            double[] ll = new double[0];
            double[] z = new double[0];
            if (!usable.isEmpty()) {
                Batch b = m.transform().toBatch(values, conds);
                ModelInference.Scores s = ModelInference.score(m.model(), m.transform(), b);
                ll = s.logLikelihood();
                z = latent ? s.latent().to(DType.FLOAT64).toDoubleArray() : z;
            }
            Double[] score = new Double[rows.size()];
            double[][] lat = new double[rows.size()][];
            for (int k = 0; k < usable.size(); k++) {
                int i = usable.get(k);
                if (Double.isFinite(ll[k])) {
                    score[i] = ll[k];
                    lat[i] = latent ? Arrays.copyOfRange(z, k * d, (k + 1) * d) : null;
                } else {
                    why[i] = "the model's log-likelihood is " + ll[k] + " (far outside its training data?)";
                }
            }
            for (int i = 0; i < rows.size(); i++) {
                if (why[i] != null) {
                    invalid.add(1);
                    if (LOGGED.add(scorer)) {
                        LOG.warn("{}: a row has no score (null): {}; such rows are counted in the accumulator {}"
                                + " (this is logged once per executor)", bytes.source(), why[i], invalid.name().get());
                    }
                }
                ready.add(append(rows.get(i), score[i], lat[i]));
            }
        } finally {
            ExecutorModels.release(bytes, m);
        }
    }

    private Row append(Row row, Double score, double[] z) {
        int n = row.length();
        Object[] v = new Object[n + (latent ? 2 : 1)];
        for (int i = 0; i < n; i++) {
            v[i] = row.get(i);
        }
        v[n] = score;
        if (latent) {
            v[n + 1] = z == null ? null : Vectors.dense(z);
        }
        return RowFactory.create(v);
    }
}
