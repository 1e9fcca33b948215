package dev.jinn.io;

import dev.jinn.tensor.Tensor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The contents of a safetensors file: its tensors, in the order the header lists them, and the string map
 * stored under {@code __metadata__} (empty when the file has none). Both maps are unmodifiable.
 *
 * @param tensors  name → tensor
 * @param metadata key → value
 */
public record SafeTensorsFile(Map<String, Tensor> tensors, Map<String, String> metadata) {
    /**
     * Creates the record, copying both maps (order kept) into unmodifiable ones.
     *
     * @param tensors  name → tensor
     * @param metadata key → value
     */
    public SafeTensorsFile {
        tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    /**
     * One tensor by name.
     *
     * @param name the tensor's name
     * @return the tensor
     * @throws IllegalArgumentException when the file has no tensor of that name
     */
    public Tensor tensor(String name) {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new IllegalArgumentException("no tensor named '" + name + "' (the file has " + tensors.keySet() + ")");
        }
        return t;
    }
}
