package dev.jinn.cli;

import dev.jinn.tensor.Tensor;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/** Prints tensors as a table of key, shape and dtype (for {@code jinn convert} and {@code jinn info} on a weights file). */
final class TensorListing {
    private TensorListing() {
    }

    static void print(PrintWriter o, Map<String, Tensor> tensors) {
        int width = Math.max(3, tensors.keySet().stream().mapToInt(String::length).max().orElse(0));
        o.printf(Locale.ROOT, "  %-" + width + "s  %-20s %s%n", "key", "shape", "dtype");
        long elements = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            Tensor t = e.getValue();
            o.printf(Locale.ROOT, "  %-" + width + "s  %-20s %s%n", e.getKey(), Arrays.toString(t.shape()),
                    t.dtype().name().toLowerCase(Locale.ROOT));
            elements += t.numel();
        }
        o.printf(Locale.ROOT, "%,d tensors, %,d values%n", tensors.size(), elements);
    }
}
