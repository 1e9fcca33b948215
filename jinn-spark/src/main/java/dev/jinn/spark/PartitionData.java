package dev.jinn.spark;

import dev.jinn.model.DecimalNumber;
import dev.jinn.tensor.DType;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import dev.jinn.train.Batch;
import dev.jinn.train.Trainer;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.Row;

/**
 * One partition's training table, read from the DataFrame once and cached by Spark as one object: the rows in
 * data units and their condition values as text, split into training and held-out rows. Every step draws the
 * partition's batch from it ({@link DistributedTrainer#batchRows}) and computes that batch's gradient on a replica.
 *
 * @param partition      the partition's index
 * @param rows           the training rows (data units)
 * @param conditions     their condition values (empty for an unconditional model)
 * @param heldOut        the held-out rows
 * @param heldConditions their condition values
 */
record PartitionData(int partition, List<double[]> rows, List<String> conditions, List<double[]> heldOut,
        List<String> heldConditions) implements Serializable {
    private static final long serialVersionUID = 1L;
    /** An odd constant far from Rng's own increment: the generators of neighbouring partitions never overlap. */
    static final long PARTITION_STRIDE = 0xD1B54A32D192ED03L;

    /**
     * Reads a partition: columns {@code 0..d-1} are the data, column {@code d} (if {@code conditional}) the
     * condition. Each row is held out with probability {@code fraction}, by a generator seeded with the run's seed
     * and the partition's index.
     *
     * @param partition   the partition's index
     * @param it          its rows
     * @param columns     the data columns' names, for messages
     * @param conditional whether column {@code d} is the condition
     * @param fraction    the held-out fraction, in {@code [0, 1)}
     * @param seed        the run's seed
     * @return the partition's data
     * @throws IllegalArgumentException for a null or non-finite value, naming the column
     */
    static PartitionData read(int partition, Iterator<Row> it, List<String> columns, boolean conditional,
            double fraction, long seed) {
        int d = columns.size();
        Rng split = new Rng(seed + partition * PARTITION_STRIDE);
        List<double[]> rows = new ArrayList<>();
        List<String> conds = new ArrayList<>();
        List<double[]> held = new ArrayList<>();
        List<String> heldConds = new ArrayList<>();
        while (it.hasNext()) {
            Row r = it.next();
            double[] v = new double[d];
            for (int j = 0; j < d; j++) {
                if (r.isNullAt(j)) {
                    throw new IllegalArgumentException("the training column '" + columns.get(j) + "' has a null value;"
                            + " drop or fill the rows with missing values first (e.g. Dataset.na().drop())");
                }
                v[j] = ((Number) r.get(j)).doubleValue();
                if (!Double.isFinite(v[j])) {
                    throw new IllegalArgumentException("the training column '" + columns.get(j) + "' has the value "
                            + v[j] + "; a flow trains on finite values only");
                }
            }
            String c = conditional ? conditionText(r, d) : "";
            boolean hold = fraction > 0 && split.nextDouble() < fraction;
            (hold ? held : rows).add(v);
            if (conditional) {
                (hold ? heldConds : conds).add(c);
            }
        }
        return new PartitionData(partition, rows, conds, held, heldConds);
    }

    private static String conditionText(Row r, int d) {
        if (r.isNullAt(d)) {
            throw new IllegalArgumentException("the condition column has a null value; drop those rows first");
        }
        Object v = r.get(d);
        String text = v instanceof Double || v instanceof Float ? Double.toString(((Number) v).doubleValue())
                : v.toString();
        if (v instanceof Number && !DecimalNumber.matches(text)) {
            throw new IllegalArgumentException("the condition column has the value " + text + "; a condition must be"
                    + " finite");
        }
        return text;
    }

    /**
     * This partition's share of one step: its batch's gradient on a replica loaded with the driver's weights.
     *
     * @param job   the run
     * @param state the driver's model and the step's seed
     * @return {@code n ·} the batch's mean gradient and loss, or empty when the partition has no training rows
     */
    GradientSum gradient(TrainingJob job, ModelState state) {
        TaskFaults.beforeGradient(state.step(), partition);
        if (rows.isEmpty()) {
            return GradientSum.EMPTY;
        }
        int[] idx = DistributedTrainer.batchRows(rows.size(), job.batch(), state.stepSeed(), partition);
        List<double[]> x = new ArrayList<>(idx.length);
        List<String> c = new ArrayList<>(idx.length);
        for (int i : idx) {
            x.add(rows.get(i));
            if (!conditions.isEmpty()) {
                c.add(conditions.get(i));
            }
        }
        Batch b = job.transform().toBatch(x, c);
        Replicas.Replica r = Replicas.borrow(job);
        try {
            r.model().loadStateDict(state.tensors(), true);
            r.model().train();
            double loss = r.trainer().computeGradients(b);
            List<Tensor> params = r.model().parameters();
            double[][] g = new double[params.size()][];
            for (int i = 0; i < g.length; i++) {
                g[i] = params.get(i).grad().to(DType.FLOAT64).toDoubleArray();
                for (int j = 0; j < g[i].length; j++) {
                    g[i][j] *= idx.length;
                }
            }
            return new GradientSum(idx.length, loss * idx.length, g);
        } finally {
            Replicas.release(job, r);
        }
    }

    /**
     * The summed NLL (model units) of this partition's held-out rows under the driver's weights, without
     * autograd and in eval mode.
     *
     * @param job   the run
     * @param state the weights
     * @return {@code {Σ nll, count}}
     */
    double[] heldOutNll(TrainingJob job, ModelState state) {
        if (heldOut.isEmpty()) {
            return new double[] {0, 0};
        }
        Replicas.Replica r = Replicas.borrow(job);
        try {
            r.model().loadStateDict(state.tensors(), true);
            double mean = Trainer.evaluate(r.model(), job.transform().toBatch(heldOut, heldConditions), 4096);
            return new double[] {mean * heldOut.size(), heldOut.size()};
        } finally {
            Replicas.release(job, r);
        }
    }
}
