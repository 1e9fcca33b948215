package dev.jinn.spark;

import dev.jinn.flow.SequenceINN;
import dev.jinn.model.DataTransform;
import dev.jinn.model.ModelConfig;
import dev.jinn.tensor.DType;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What every task of one distributed run shares, broadcast once: the architecture, the dtype of the replicas, the
 * data transform that maps the cached rows to model units, and the batch size per partition. The architecture and
 * the transform travel as the entries a model file stores them in, and are read back the way a model file is.
 */
final class TrainingJob implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String runId;
    private final DType dtype;
    private final int batch;
    private final Map<String, String> config;
    private final Map<String, String> transformMeta;
    private final double[] mean;
    private final double[] std;
    private transient DataTransform transform;

    /**
     * A run's shared part.
     *
     * @param runId     a unique id of the run (the key of its replicas on the executors)
     * @param config    the architecture and its seed
     * @param dtype     FLOAT32 or FLOAT64
     * @param transform the standardisation and condition encoding
     * @param batch     rows drawn per partition and step
     */
    TrainingJob(String runId, ModelConfig config, DType dtype, DataTransform transform, int batch) {
        this.runId = runId;
        this.dtype = dtype;
        this.batch = batch;
        this.config = new LinkedHashMap<>(config.metadata());
        this.transformMeta = new LinkedHashMap<>(transform.metadata());
        this.mean = transform.mean();
        this.std = transform.std();
    }

    /** The run's id. */
    String runId() {
        return runId;
    }

    /** The replicas' dtype. */
    DType dtype() {
        return dtype;
    }

    /** Rows drawn per partition and step. */
    int batch() {
        return batch;
    }

    /** The architecture. */
    ModelConfig config() {
        return ModelConfig.read(config);
    }

    /** The data transform (read once per JVM). */
    synchronized DataTransform transform() {
        if (transform == null) {
            Map<String, Tensor> t = new LinkedHashMap<>();
            t.put("jinn.data.mean", Tensors.of(mean.clone()));
            t.put("jinn.data.std", Tensors.of(std.clone()));
            transform = DataTransform.read(transformMeta, t);
        }
        return transform;
    }

    /**
     * Builds the network in the run's dtype (its initial weights are those of {@code jinn train} with the same
     * seed; replicas overwrite them with the driver's at every step).
     *
     * @return the flow in training mode
     */
    SequenceINN build() {
        SequenceINN m = config().build();
        return dtype == DType.FLOAT32 ? m : (SequenceINN) m.to(dtype);
    }
}
