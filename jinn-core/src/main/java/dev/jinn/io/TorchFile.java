package dev.jinn.io;

import dev.jinn.tensor.Tensor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The contents of a file written by {@code torch.save}, read by {@link TorchFiles#read}.
 *
 * <p>Nested containers are flattened with {@code .}: dict entries by their key, list and tuple items by their
 * index, so a checkpoint {@code {"model": sd, "optimizer": opt.state_dict(), "epoch": 3}} gives the tensors
 * {@code model.<key>} and {@code optimizer.state.0.exp_avg}, and the values {@code epoch} and
 * {@code optimizer.param_groups.0.lr}. A tensor saved alone has the key {@code ""}.
 *
 * <p>{@link #root()} is the whole saved object as Java values: dicts as {@code Map}s (in order), lists and
 * tuples as {@code List}s, sets as {@code Set}s, ints as {@code Long} (or {@code BigInteger} when larger),
 * floats as {@code Double}, strings, {@code Boolean}, {@code byte[]}, None as null, tensors as {@link Tensor},
 * {@code torch.device} and dtypes as their names. Everything is unmodifiable.
 *
 * @param tensors every tensor, under its flattened key, in file order
 * @param values  every other leaf (numbers, strings, bools, None, bytes, sets), under its flattened key
 * @param root    the whole saved object
 */
public record TorchFile(Map<String, Tensor> tensors, Map<String, Object> values, Object root) {
    /**
     * Creates the record, copying both maps (order kept) into unmodifiable ones.
     *
     * @param tensors key → tensor
     * @param values  key → plain value (may be null for None)
     * @param root    the whole saved object
     */
    public TorchFile {
        tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /**
     * One tensor by its flattened key.
     *
     * @param key the key
     * @return the tensor
     * @throws IllegalArgumentException when the file has no tensor under that key
     */
    public Tensor tensor(String key) {
        Tensor t = tensors.get(key);
        if (t == null) {
            throw new IllegalArgumentException("no tensor '" + key + "' (the file has " + tensors.keySet() + ")");
        }
        return t;
    }
}
