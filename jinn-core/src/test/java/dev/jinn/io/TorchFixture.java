package dev.jinn.io;

import dev.jinn.tensor.DType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fixtures that {@code jinn-core/scripts/torch_fixtures.py} made with a real {@code torch.save} (and the
 * hostile ones it built by hand), under {@code /torch/} on the test class path.
 */
final class TorchFixture {
    /** What torch wrote into an {@code *_expected.json}: dtype name, shape and the values as doubles. */
    record Expected(String dtype, int[] shape, double[] values) {
    }

    private TorchFixture() {
    }

    static Path path(String name) {
        URL url = TorchFixture.class.getResource("/torch/" + name);
        if (url == null) {
            throw new IllegalArgumentException("no fixture /torch/" + name + " (run jinn-core/scripts/torch_fixtures.py)");
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Map<String, Expected> expected(String name) {
        try {
            Object doc = Json.parse(Files.readString(path(name + "_expected.json")));
            Map<String, Expected> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : ((Map<?, ?>) doc).entrySet()) {
                Map<?, ?> m = (Map<?, ?>) e.getValue();
                List<?> shape = (List<?>) m.get("shape");
                List<?> values = (List<?>) m.get("values");
                out.put((String) e.getKey(), new Expected((String) m.get("dtype"),
                        shape.stream().mapToInt(v -> Math.toIntExact(((Json.Num) v).asLong())).toArray(),
                        values.stream().mapToDouble(v -> Double.parseDouble(((Json.Num) v).literal())).toArray()));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Json.ParseException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The jinn dtype a torch dtype name reads as. */
    static DType jinnType(String torchDtype) {
        switch (torchDtype) {
            case "torch.float64": return DType.FLOAT64;
            case "torch.float32": case "torch.float16": case "torch.bfloat16": return DType.FLOAT32;
            case "torch.bool": return DType.BOOL;
            default: return DType.INT64;
        }
    }
}
