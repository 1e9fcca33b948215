package dev.jinn.autograd;

import dev.jinn.tensor.Tensor;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a {@link Function} keeps between its forward and its backward: saved tensors, other values by name,
 * and which inputs need a gradient. The saved state is freed after a backward that does not retain the graph.
 */
public final class FunctionContext {
    private final String owner;
    private List<Tensor> saved = List.of();
    private final Map<String, Object> values = new HashMap<>();
    private boolean[] needsInputGrad = new boolean[0];
    private boolean released;

    FunctionContext(String owner) {
        this.owner = owner;
    }

    /**
     * Keeps tensors for the backward pass (inputs or outputs of the forward). Entries may be null, e.g. for an
     * optional bias, and come back as null.
     *
     * @param tensors the tensors to keep
     */
    public void saveForBackward(Tensor... tensors) {
        saved = Collections.unmodifiableList(Arrays.asList(tensors.clone()));
    }

    /**
     * The tensors kept by {@link #saveForBackward}.
     *
     * @return the saved tensors, in order
     */
    public List<Tensor> savedTensors() {
        if (released) {
            throw new IllegalStateException(owner + ": saved tensors were freed by an earlier backward; pass "
                    + "retainGraph=true to backward through the graph twice");
        }
        return saved;
    }

    /**
     * Keeps any other value for the backward pass.
     *
     * @param key   a name
     * @param value the value
     */
    public void put(String key, Object value) {
        values.put(key, value);
    }

    /**
     * A value kept with {@link #put}.
     *
     * @param key the name
     * @param <T> the expected type
     * @return the value, or null
     */
    @SuppressWarnings("unchecked")
    public <T> T get(String key) {
        return (T) values.get(key);
    }

    /**
     * Whether the gradient of input {@code i} is needed (its backward result may be null otherwise). Known
     * already in forward, so that forward can skip saving what only an unneeded gradient would use; always false
     * when the function is applied with recording off.
     *
     * @param i the input position
     * @return true when input {@code i} requires a gradient
     */
    public boolean needsInputGrad(int i) {
        return i >= 0 && i < needsInputGrad.length && needsInputGrad[i];
    }

    void setNeedsInputGrad(boolean[] needs) {
        this.needsInputGrad = needs;
    }

    void release() {
        released = true;
        saved = List.of();
        values.clear();
    }
}
