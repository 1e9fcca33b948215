package dev.jinn.train;

import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a {@link Trainer} gets its training batches: a function of the batch size and the trainer's random
 * generator. Because every draw comes from that one generator, whose state is saved in checkpoints, a resumed
 * run sees exactly the batches an uninterrupted one would. A source may generate fresh samples (the 2-D toy
 * densities) or pick rows from a fixed data set ({@link #rows(Batch)}).
 */
@FunctionalInterface
public interface BatchSource {
    /**
     * Draws a batch.
     *
     * @param batchSize the number of samples
     * @param rng       the generator to draw from (the only source of randomness allowed)
     * @return the batch
     */
    Batch next(int batchSize, Rng rng);

    /**
     * Rows drawn uniformly at random, with replacement, from a fixed data set (samples and conditions alike).
     * Drawing with replacement keeps the source free of state (no epoch position to save), so the generator
     * alone decides the sequence of batches.
     *
     * @param data the data set, at least one row
     * @return the source
     */
    static BatchSource rows(Batch data) {
        if (data.size() < 1) {
            throw new IllegalArgumentException("BatchSource.rows: the data set is empty");
        }
        return (batchSize, rng) -> {
            Tensor idx = Tensors.randint(rng, 0, data.size(), batchSize);
            List<Tensor> c = new ArrayList<>();
            for (Tensor t : data.conditions()) {
                c.add(t.indexSelect(0, idx));
            }
            return new Batch(data.x().indexSelect(0, idx), c);
        };
    }
}
