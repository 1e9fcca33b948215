package dev.jinn.spark;

import dev.jinn.flow.SequenceINN;
import dev.jinn.model.DataTransform;
import dev.jinn.model.ModelConfig;
import dev.jinn.tensor.DType;
import java.io.Serializable;

/**
 * What every task of one distributed run shares, broadcast once: the architecture, the dtype of the replicas, the
 * data transform that maps the cached rows to model units, and the batch size per partition.
 *
 * @param runId     a unique id of the run (the key of its replicas on the executors)
 * @param config    the architecture and its seed
 * @param dtype     FLOAT32 or FLOAT64
 * @param transform the standardisation and condition encoding
 * @param batch     rows drawn per partition and step
 */
record TrainingJob(String runId, ModelConfig config, DType dtype, DataTransform transform, int batch)
        implements Serializable {
    private static final long serialVersionUID = 1L;

    /**
     * Builds the network in the run's dtype (its initial weights are those of {@code jinn train} with the same
     * seed; replicas overwrite them with the driver's at every step).
     *
     * @return the flow in training mode
     */
    SequenceINN build() {
        synchronized (ExecutorModels.BUILD_LOCK) {
            SequenceINN m = config.build();
            return dtype == DType.FLOAT32 ? m : (SequenceINN) m.to(dtype);
        }
    }
}
