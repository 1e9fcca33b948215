package dev.jinn.flow.freia;

import dev.jinn.io.Json;
import dev.jinn.io.SafeTensors;
import dev.jinn.io.SafeTensorsFile;
import dev.jinn.tensor.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A checkpoint fixture written by FrEIA itself ({@code jinn-flow/scripts/freia_fixtures.py}): a model's state
 * dict, a batch of inputs and conditions, FrEIA's forward outputs and log-det, and FrEIA's reverse of those
 * outputs with its log-det, all float64, plus a JSON description of the architecture in the metadata.
 *
 * <p>Tensor keys in the file: {@code state.<key>}, {@code x.<i>}, {@code c.<i>}, {@code z.<i>},
 * {@code xrev.<i>}, {@code logdet}, {@code logdet_rev}.
 */
final class FreiaFixture {
    private static final String STATE = "state.";

    private final String name;
    private final SafeTensorsFile file;
    private final Meta architecture;

    private FreiaFixture(String name, SafeTensorsFile file, Meta architecture) {
        this.name = name;
        this.file = file;
        this.architecture = architecture;
    }

    /**
     * Loads {@code /freia/<name>.safetensors} from the test resources.
     *
     * @param name the fixture name, e.g. {@code allinone_sequence}
     * @return the fixture
     */
    static FreiaFixture load(String name) {
        String resource = "/freia/" + name + ".safetensors";
        URL url = FreiaFixture.class.getResource(resource);
        if (url == null) {
            throw new IllegalArgumentException("no FrEIA fixture " + resource + " on the test class path");
        }
        try {
            SafeTensorsFile file = SafeTensors.read(Path.of(url.toURI()));
            String json = file.metadata().get("architecture");
            if (json == null) {
                throw new IllegalArgumentException(resource + " has no 'architecture' metadata");
            }
            return new FreiaFixture(name, file, new Meta(resource + " architecture", Json.parse(json)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException | Json.ParseException e) {
            throw new IllegalStateException(resource + ": " + e.getMessage(), e);
        }
    }

    String name() {
        return name;
    }

    /** The whole state dict, keys as FrEIA wrote them (the {@code state.} prefix removed), in file order. */
    Map<String, Tensor> state() {
        return state("");
    }

    /**
     * The state-dict entries under one module prefix, with that prefix removed (for loading one graph node's
     * module, whose FrEIA {@code module_list} index may differ from jinn's).
     */
    Map<String, Tensor> state(String prefix) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        String full = STATE + prefix;
        for (Map.Entry<String, Tensor> e : file.tensors().entrySet()) {
            if (e.getKey().startsWith(full)) {
                out.put(e.getKey().substring(full.length()), e.getValue());
            }
        }
        return Collections.unmodifiableMap(out);
    }

    /** The inputs {@code x.0, x.1, …}. */
    List<Tensor> inputs() {
        return indexed("x");
    }

    /** The conditions {@code c.0, c.1, …} (empty for an unconditional model). */
    List<Tensor> conditions() {
        return indexed("c");
    }

    /** FrEIA's forward outputs {@code z.0, z.1, …}. */
    List<Tensor> outputs() {
        return indexed("z");
    }

    /** FrEIA's reverse of {@link #outputs()}: {@code xrev.0, …}. */
    List<Tensor> reverseOutputs() {
        return indexed("xrev");
    }

    /**
     * FrEIA's forward log-det, shape [B]. For a GraphINN the generator undoes FrEIA's float32 rounding of
     * constant (Python-float) module log-dets; the amounts are in the architecture's
     * {@code logdet_float32_correction}.
     */
    Tensor logDet() {
        return file.tensor("logdet");
    }

    /** FrEIA's reverse log-det, shape [B]. */
    Tensor reverseLogDet() {
        return file.tensor("logdet_rev");
    }

    /** The batch size of every data tensor. */
    int batch() {
        return architecture.integer("batch");
    }

    /** The parsed architecture description. */
    Meta architecture() {
        return architecture;
    }

    /** Any other metadata entry: {@code freia_commit}, {@code torch_version}, {@code description}, …. */
    String metadata(String key) {
        String value = file.metadata().get(key);
        if (value == null) {
            throw new IllegalArgumentException(name + " has no metadata '" + key + "'");
        }
        return value;
    }

    /** Every tensor key of the file, in file order. */
    List<String> keys() {
        return List.copyOf(file.tensors().keySet());
    }

    private List<Tensor> indexed(String prefix) {
        List<Tensor> out = new ArrayList<>();
        while (file.tensors().containsKey(prefix + "." + out.size())) {
            out.add(file.tensors().get(prefix + "." + out.size()));
        }
        return out;
    }

    /**
     * A typed view of one parsed JSON value (an object, a list or a scalar) whose accessors fail with the path
     * of the value when the description does not have the expected shape.
     */
    static final class Meta {
        private final String path;
        private final Object value;

        Meta(String path, Object value) {
            this.path = path;
            this.value = value;
        }

        /** Whether this object has the key with a non-null value. */
        boolean has(String key) {
            Object v = map().get(key);
            return v != null && v != Json.NULL;
        }

        Meta get(String key) {
            Object v = map().get(key);
            if (v == null) {
                throw new IllegalArgumentException(path + " has no '" + key + "' (keys: " + map().keySet() + ")");
            }
            return new Meta(path + "." + key, v);
        }

        String string(String key) {
            return get(key).asString();
        }

        int integer(String key) {
            return get(key).asInt();
        }

        double number(String key) {
            return get(key).asDouble();
        }

        boolean bool(String key) {
            return get(key).asBoolean();
        }

        int[] ints(String key) {
            List<Meta> items = get(key).list();
            int[] out = new int[items.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = items.get(i).asInt();
            }
            return out;
        }

        List<Meta> list(String key) {
            return get(key).list();
        }

        List<Meta> list() {
            if (!(value instanceof List<?> items)) {
                throw wrong("a list");
            }
            List<Meta> out = new ArrayList<>();
            for (int i = 0; i < items.size(); i++) {
                out.add(new Meta(path + "[" + i + "]", items.get(i)));
            }
            return out;
        }

        String asString() {
            if (!(value instanceof String s)) {
                throw wrong("a string");
            }
            return s;
        }

        /** A JSON number whose value is an integer (as Python writes ints: no point, no exponent). */
        int asInt() {
            Long v = value instanceof Json.Num n ? n.asLong() : null;
            if (v == null || v != v.intValue()) {
                throw wrong("an int");
            }
            return v.intValue();
        }

        /** Any JSON number (Python writes floats such as {@code 2.0} and ints such as {@code 2}). */
        double asDouble() {
            if (!(value instanceof Json.Num n)) {
                throw wrong("a number");
            }
            return Double.parseDouble(n.literal());
        }

        /** Whether this is a number written without point or exponent (a Python int, not a float). */
        boolean isInteger() {
            return value instanceof Json.Num n && n.asLong() != null;
        }

        boolean asBoolean() {
            if (!(value instanceof Boolean b)) {
                throw wrong("a boolean");
            }
            return b;
        }

        boolean isNull() {
            return value == Json.NULL;
        }

        boolean isList() {
            return value instanceof List;
        }

        private Map<?, ?> map() {
            if (!(value instanceof Map<?, ?> m)) {
                throw wrong("an object");
            }
            return m;
        }

        private IllegalArgumentException wrong(String expected) {
            return new IllegalArgumentException(path + " is " + value + ", expected " + expected);
        }

        @Override
        public String toString() {
            return path + " = " + value;
        }
    }
}
