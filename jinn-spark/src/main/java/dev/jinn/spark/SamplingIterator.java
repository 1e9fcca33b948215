package dev.jinn.spark;

import dev.jinn.model.DataTransform;
import dev.jinn.model.ModelFile;
import dev.jinn.model.ModelInference;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * The samples of one partition, a batch at a time: each input row holds a sample's index (column 0) and, for a
 * conditional model, its condition value (column 1); its latent code is drawn from a generator seeded by the
 * run's seed and the index alone ({@link #latent}), so a sample does not depend on the partition it lands in.
 *
 * <p>Every batch goes through the flow padded to the same {@value #BATCH} rows: the float32 kernels choose their
 * path by the product's shape (thin, Java or native), and rows of a batch of another size may round differently
 * in the last bits. With one shape for all batches a sample's value is the same bits in every partitioning.
 */
final class SamplingIterator extends BatchedRows {
    /** An odd constant far from Rng's own increment, so that the generators of nearby indices never overlap. */
    private static final long INDEX_STRIDE = 0xD1B54A32D192ED03L;
    private static final int BATCH = 1024;

    private final ModelBytes bytes;
    private final long seed;
    private final boolean conditional;

    /**
     * An iterator over one partition's indices.
     *
     * @param in          rows of (index) or (index, condition)
     * @param bytes       the broadcast model file
     * @param seed        the run's seed
     * @param conditional whether the rows carry a condition value
     */
    SamplingIterator(Iterator<Row> in, ModelBytes bytes, long seed, boolean conditional) {
        super(in, BATCH);
        this.bytes = bytes;
        this.seed = seed;
        this.conditional = conditional;
    }

    /**
     * The latent code of sample {@code index}: {@code D} standard normal values from {@code Rng(base + index ·
     * stride)}, where {@code base} is the first draw of {@code Rng(seed)}.
     *
     * @param seed  the run's seed
     * @param index the sample's index
     * @param dims  D
     * @return the code
     */
    static float[] latent(long seed, long index, int dims) {
        return Tensors.randn(new Rng(new Rng(seed).nextLong() + index * INDEX_STRIDE), 1, dims).toFloatArray();
    }

    @Override
    void process(List<Row> rows, List<Row> ready) {
        ModelFile m = ExecutorModels.borrow(bytes);
        try {
            DataTransform t = m.transform();
            int d = t.dims();
            // The padding rows have z = 0 and the first row's condition; their samples are dropped.
            float[] z = new float[BATCH * d];
            List<double[]> none = new ArrayList<>();
            List<String> conds = new ArrayList<>();
            for (int i = 0; i < BATCH; i++) {
                if (i < rows.size()) {
                    System.arraycopy(latent(seed, rows.get(i).getLong(0), d), 0, z, i * d, d);
                }
                none.add(new double[d]);
                conds.add(conditional ? conditionText(rows.get(Math.min(i, rows.size() - 1))) : "");
            }
            // The conditions are encoded by the same code as for scoring (the zero rows are not used).
            List<Tensor> c = t.toBatch(none, conds).conditions();
            List<double[]> samples = ModelInference.sample(m.model(), t, Tensors.of(z, BATCH, d), c);
            for (int i = 0; i < rows.size(); i++) {
                Object[] v = new Object[1 + d + (conditional ? 1 : 0)];
                v[0] = rows.get(i).getLong(0);
                for (int j = 0; j < d; j++) {
                    v[1 + j] = samples.get(i)[j];
                }
                if (conditional) {
                    v[1 + d] = rows.get(i).get(1);
                }
                ready.add(RowFactory.create(v));
            }
        } finally {
            ExecutorModels.release(bytes, m);
        }
    }

    private String conditionText(Row row) {
        if (row.isNullAt(1)) {
            throw new IllegalArgumentException("the condition of sample " + row.getLong(0) + " is null");
        }
        Object v = row.get(1);
        return v instanceof Number n && !(v instanceof Long || v instanceof Integer || v instanceof Short
                || v instanceof Byte) ? Double.toString(n.doubleValue()) : v.toString();
    }
}
