package dev.jinn.spark;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.sql.Row;

/**
 * A partition's rows mapped a batch at a time: up to {@code batchSize} input rows are read, turned into output
 * rows by {@link #process}, and handed out before the next batch is read, so a partition of any size takes one
 * batch of memory. The scorer and the sampler are its two kinds.
 */
abstract class BatchedRows implements Iterator<Row> {
    private final Iterator<Row> in;
    private final int batchSize;
    private final List<Row> ready = new ArrayList<>();
    private int next;

    /**
     * Maps the rows of one partition.
     *
     * @param in        the partition's rows
     * @param batchSize rows per batch, &ge; 1
     */
    BatchedRows(Iterator<Row> in, int batchSize) {
        this.in = in;
        this.batchSize = batchSize;
    }

    /**
     * Maps one batch.
     *
     * @param batch the input rows, at least one
     * @param out   where the output rows go, in order
     */
    abstract void process(List<Row> batch, List<Row> out);

    @Override
    public final boolean hasNext() {
        if (next < ready.size()) {
            return true;
        }
        ready.clear();
        next = 0;
        if (in.hasNext()) {
            List<Row> batch = new ArrayList<>(batchSize);
            while (batch.size() < batchSize && in.hasNext()) {
                batch.add(in.next());
            }
            process(batch, ready);
        }
        return next < ready.size();
    }

    @Override
    public final Row next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return ready.get(next++);
    }
}
