package dev.jinn.cli;

import dev.jinn.io.SafeTensors;
import dev.jinn.io.SafeTensorsFile;
import dev.jinn.tensor.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/** Copies of a model file with some tensors changed (damaged or extreme weights), the metadata kept. */
final class ModelVariants {
    private ModelVariants() {
    }

    static Path with(Path model, Path out, UnaryOperator<Map<String, Tensor>> change) {
        try {
            SafeTensorsFile f = SafeTensors.read(model);
            SafeTensors.write(out, change.apply(new LinkedHashMap<>(f.tensors())), f.metadata());
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
