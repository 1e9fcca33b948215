package dev.jinn.model;

import dev.jinn.flow.SequenceINN;
import dev.jinn.io.SafeTensors;
import dev.jinn.io.SafeTensorsFile;
import dev.jinn.io.StateDictException;
import dev.jinn.tensor.DType;
import dev.jinn.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * A trained command-line model in one safetensors file, usable without code: the weights under the flow's own
 * state-dict keys ({@code module_list.0.…}, as FrEIA names them), the data transform's statistics
 * ({@code jinn.data.mean}, {@code jinn.data.std}), and metadata holding the format ({@code jinn.format =
 * jinn-model}, {@code jinn.format_version}), the {@link ModelConfig} ({@code jinn.model.*}), the
 * {@link DataTransform} ({@code jinn.data.*}) and the training provenance ({@code jinn.provenance.*}: data, seed,
 * steps, final and held-out NLL, jinn version, date, …).
 *
 * @param config     the architecture
 * @param transform  the data transform
 * @param provenance how the model was trained (keys without the {@code jinn.provenance.} prefix)
 * @param model      the flow with its trained weights
 */
public record ModelFile(ModelConfig config, DataTransform transform, Map<String, String> provenance,
        SequenceINN model) {
    /** The value of {@code jinn.format}. */
    public static final String FORMAT = "jinn-model";
    /** The format version written and read. */
    public static final String VERSION = "1";
    private static final String PROVENANCE = "jinn.provenance.";

    /**
     * Sorts and copies the provenance.
     *
     * @param config     the configuration
     * @param transform  the transform
     * @param provenance the provenance
     * @param model      the flow
     */
    public ModelFile {
        provenance = Collections.unmodifiableMap(new TreeMap<>(provenance));
    }

    /**
     * Writes the file atomically (a temporary file moved into place).
     *
     * @param path the file to create or replace
     * @throws IOException when it cannot be written
     */
    public void save(Path path) throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>(model.stateDict());
        tensors.putAll(transform.tensors());
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("jinn.format", FORMAT);
        meta.put("jinn.format_version", VERSION);
        meta.putAll(config.metadata());
        meta.putAll(transform.metadata());
        for (Map.Entry<String, String> e : provenance.entrySet()) {
            meta.put(PROVENANCE + e.getKey(), e.getValue());
        }
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        SafeTensors.write(path, tensors, meta);
    }

    /**
     * Refuses weights or statistics holding NaN or infinity: such a model would turn every sample and score into
     * NaN without an error (a diverged run or a damaged file).
     */
    private static void requireFinite(Path path, Map<String, Tensor> tensors) throws IOException {
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            double[] v = e.getValue().to(DType.FLOAT64).toDoubleArray();
            for (int i = 0; i < v.length; i++) {
                if (!Double.isFinite(v[i])) {
                    throw new IOException(path + ": the tensor '" + e.getKey() + "' " + Arrays.toString(e.getValue()
                            .shape()) + " holds " + v[i] + " at index " + i + "; a model file must hold finite values"
                            + " only (did its training diverge, or is the file damaged?)");
                }
            }
        }
    }

    /**
     * Reads a model file and rebuilds its flow.
     *
     * @param path the file
     * @return the model
     * @throws IOException with one clear message when the file is missing, is not a valid safetensors file, is not
     *                     a jinn model, was written by an incompatible version, or its weights do not fit its
     *                     architecture
     */
    public static ModelFile load(Path path) throws IOException {
        if (!Files.exists(path)) {
            throw new NoSuchFileException(path.toString(), null, "no such model file");
        }
        if (Files.isDirectory(path)) {
            throw new IOException("cannot read the model file " + path + ": it is a directory");
        }
        SafeTensorsFile file;
        try {
            file = SafeTensors.read(path);
        } catch (IOException e) {
            throw new IOException("cannot read the model file " + path + ": " + e.getMessage(), e);
        }
        Map<String, String> meta = file.metadata();
        if (!FORMAT.equals(meta.get("jinn.format"))) {
            throw new IOException(path + " is a safetensors file but not a jinn model (its metadata has no"
                    + " jinn.format = " + FORMAT + "; a training checkpoint is not a model file either)");
        }
        if (!VERSION.equals(meta.get("jinn.format_version"))) {
            throw new IOException(path + " is a jinn model of format version " + meta.get("jinn.format_version")
                    + "; this jinn reads version " + VERSION);
        }
        requireFinite(path, file.tensors());
        try {
            ModelConfig config = ModelConfig.read(meta);
            DataTransform transform = DataTransform.read(meta, file.tensors());
            if (transform.dims() != config.dims() || transform.condition().dims() != config.conditionDims()) {
                throw new IllegalArgumentException("the data transform has " + transform.dims() + " columns and "
                        + transform.condition().dims() + " condition values, the architecture " + config.dims()
                        + " and " + config.conditionDims());
            }
            SequenceINN model = config.build();
            Map<String, Tensor> weights = new LinkedHashMap<>();
            for (Map.Entry<String, Tensor> e : file.tensors().entrySet()) {
                if (!e.getKey().startsWith("jinn.")) {
                    weights.put(e.getKey(), e.getValue());
                }
            }
            model.loadStateDict(weights, true);
            model.eval();
            Map<String, String> prov = new TreeMap<>();
            for (Map.Entry<String, String> e : meta.entrySet()) {
                if (e.getKey().startsWith(PROVENANCE)) {
                    prov.put(e.getKey().substring(PROVENANCE.length()), e.getValue());
                }
            }
            return new ModelFile(config, transform, prov, model);
        } catch (StateDictException e) {
            throw new IOException(path + ": the weights do not fit the architecture it describes ("
                    + e.getMessage() + ")", e);
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            throw new IOException(path + " is not a usable jinn model: " + e.getMessage(), e);
        }
    }
}
