package dev.jinn.spark;

import dev.jinn.tensor.DType;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The driver's model at one step, as plain arrays that Spark can ship: the state dict (parameters and buffers,
 * exact in float64 for either dtype), the step it is about to take and that step's seed, from which each
 * partition draws its batch.
 *
 * @param step     the step about to be taken (1-based)
 * @param stepSeed the seed of this step's batches, drawn from the run's generator
 * @param names    the state dict's keys, in order
 * @param shapes   each tensor's shape
 * @param values   each tensor's values
 */
record ModelState(long step, long stepSeed, List<String> names, List<int[]> shapes, List<double[]> values)
        implements Serializable {
    private static final long serialVersionUID = 1L;

    /**
     * Copies a state dict.
     *
     * @param step     the step about to be taken
     * @param stepSeed its seed
     * @param state    the model's state dict
     * @return the arrays
     */
    static ModelState of(long step, long stepSeed, Map<String, Tensor> state) {
        List<String> n = List.copyOf(state.keySet());
        List<int[]> s = n.stream().map(k -> state.get(k).shape()).toList();
        List<double[]> v = n.stream().map(k -> state.get(k).to(DType.FLOAT64).toDoubleArray()).toList();
        return new ModelState(step, stepSeed, n, s, v);
    }

    /**
     * The state dict again (float64 tensors; loading converts them to the replica's dtype).
     *
     * @return name → tensor
     */
    Map<String, Tensor> tensors() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            m.put(names.get(i), Tensors.of(values.get(i), shapes.get(i)));
        }
        return m;
    }
}
