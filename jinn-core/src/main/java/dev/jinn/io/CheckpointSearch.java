package dev.jinn.io;

import dev.jinn.tensor.Tensor;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds the state dict in a file that may hold a whole training checkpoint, the way people save them:
 * {@code torch.save(model.state_dict())}, or {@code torch.save({"epoch": e, "model_state_dict": ...,
 * "optimizer_state_dict": ...})}, or Lightning's {@code state_dict}.
 */
final class CheckpointSearch {
    /** The keys under which checkpoints commonly keep the model's state dict, in the order they are tried. */
    static final List<String> KEYS = List.of("state_dict", "model", "model_state_dict");

    private CheckpointSearch() {
    }

    static Map<String, Tensor> search(TorchFile file) {
        if (file.root() instanceof Map<?, ?> top && !top.values().stream().allMatch(v -> v instanceof Tensor)) {
            for (String key : KEYS) {
                if (top.get(key) instanceof Map<?, ?> m && m.values().stream().anyMatch(v -> v instanceof Tensor)) {
                    return strip(file.tensors(), key + ".");
                }
            }
        }
        return file.tensors();
    }

    static Map<String, Tensor> underPrefix(Path path, Map<String, Tensor> tensors, String prefix)
            throws TorchFileException {
        if (prefix == null || prefix.isEmpty()) {
            return tensors;
        }
        String p = prefix.endsWith(".") ? prefix : prefix + ".";
        Map<String, Tensor> out = strip(tensors, p);
        if (out.isEmpty()) {
            throw new TorchFileException(path, "no tensor under the prefix '" + p + "' (the first keys are "
                    + tensors.keySet().stream().limit(5).toList() + ")");
        }
        return out;
    }

    private static Map<String, Tensor> strip(Map<String, Tensor> tensors, String prefix) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            if (e.getKey().startsWith(prefix)) {
                out.put(e.getKey().substring(prefix.length()), e.getValue());
            }
        }
        return out;
    }
}
