package dev.jinn.train;

import dev.jinn.io.SafeTensors;
import dev.jinn.io.SafeTensorsFile;
import dev.jinn.tensor.DType;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything a {@link Trainer} needs to continue a run exactly where it stopped: the model's, the optimizer's and
 * the schedule's state dicts and the {@link RunState}, stored as one safetensors file (written atomically, so a
 * crash while saving leaves the previous checkpoint intact).
 *
 * <p>Tensors: {@code model.*} (the model's state dict), {@code optimizer.*}, {@code scheduler.*} (when a
 * schedule is used), {@code best.*} (the weights with the best validation loss so far, when validating),
 * {@code trainer.rng} (the data generator's position, int64 [6]) and {@code trainer.history} (float64
 * {@code [steps, 3]}: step, training loss, validation loss or NaN). Metadata: {@code jinn.checkpoint.version},
 * {@code .step}, {@code .best_validation_loss}, {@code .best_step}, {@code .bad_validations}, plus the caller's
 * own entries (e.g. the model's architecture), which must not start with {@code jinn.checkpoint.}.
 */
public final class Checkpoint {
    /** The version written into new checkpoints. */
    public static final String VERSION = "1";
    /** The metadata prefix of the checkpoint's own entries; callers' keys must not start with it. */
    static final String RESERVED_PREFIX = "jinn.checkpoint.";
    private static final String META = RESERVED_PREFIX;

    private final RunState state;
    private final Map<String, Tensor> model;
    private final Map<String, Tensor> optimizer;
    private final Map<String, Tensor> scheduler;
    private final Map<String, String> metadata;
    private final Path source;

    Checkpoint(RunState state, Map<String, Tensor> model, Map<String, Tensor> optimizer,
            Map<String, Tensor> scheduler, Map<String, String> metadata, Path source) {
        this.state = state.copy();
        this.model = Collections.unmodifiableMap(new LinkedHashMap<>(model));
        this.optimizer = Collections.unmodifiableMap(new LinkedHashMap<>(optimizer));
        this.scheduler = Collections.unmodifiableMap(new LinkedHashMap<>(scheduler));
        this.metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        this.source = source;
    }

    /**
     * Writes the checkpoint atomically, creating its directory if needed.
     *
     * @param path the file to create or replace
     * @throws IOException when it cannot be written (an existing file is then unchanged)
     */
    void write(Path path) throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        putAll(tensors, "model.", model);
        putAll(tensors, "optimizer.", optimizer);
        putAll(tensors, "scheduler.", scheduler);
        putAll(tensors, "best.", state.bestWeights());
        tensors.put("trainer.rng", Tensors.of(state.rng().state()));
        List<LossRecord> history = state.history();
        double[] h = new double[history.size() * 3];
        for (int i = 0; i < history.size(); i++) {
            LossRecord r = history.get(i);
            h[3 * i] = r.step();
            h[3 * i + 1] = r.loss();
            h[3 * i + 2] = r.validationLoss();
        }
        tensors.put("trainer.history", Tensors.of(h, history.size(), 3));
        // The caller's keys never clash with the checkpoint's own: TrainSettings refuses the reserved prefix.
        Map<String, String> meta = new LinkedHashMap<>(metadata);
        meta.put(META + "version", VERSION);
        meta.put(META + "step", Long.toString(state.step()));
        meta.put(META + "best_validation_loss", Double.toString(state.bestValidationLoss()));
        meta.put(META + "best_step", Long.toString(state.bestStep()));
        meta.put(META + "bad_validations", Integer.toString(state.badValidations()));
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        SafeTensors.write(path, tensors, meta);
    }

    private static void putAll(Map<String, Tensor> into, String prefix, Map<String, Tensor> from) {
        for (Map.Entry<String, Tensor> e : from.entrySet()) {
            into.put(prefix + e.getKey(), e.getValue());
        }
    }

    /**
     * Reads a checkpoint written by a {@link Trainer}.
     *
     * @param path the file
     * @return the checkpoint
     * @throws IOException when the file is missing, is not a valid safetensors file, or is not a jinn checkpoint
     *                     (the message names the file and the problem)
     */
    public static Checkpoint read(Path path) throws IOException {
        SafeTensorsFile file = SafeTensors.read(path);
        Map<String, String> meta = file.metadata();
        String version = meta.get(META + "version");
        if (version == null) {
            throw new IOException(path + " is not a jinn training checkpoint (no " + META + "version metadata)");
        }
        if (!VERSION.equals(version)) {
            throw new IOException(path + " is a jinn checkpoint of version " + version + "; this jinn reads version "
                    + VERSION);
        }
        try {
            long step = Long.parseLong(require(path, meta, "step"));
            double bestVal = Double.parseDouble(require(path, meta, "best_validation_loss"));
            long bestStep = Long.parseLong(require(path, meta, "best_step"));
            int bad = Integer.parseInt(require(path, meta, "bad_validations"));
            Map<String, Tensor> model = new LinkedHashMap<>();
            Map<String, Tensor> optimizer = new LinkedHashMap<>();
            Map<String, Tensor> scheduler = new LinkedHashMap<>();
            Map<String, Tensor> best = new LinkedHashMap<>();
            for (Map.Entry<String, Tensor> e : file.tensors().entrySet()) {
                String k = e.getKey();
                if (k.startsWith("model.")) {
                    model.put(k.substring(6), e.getValue());
                } else if (k.startsWith("optimizer.")) {
                    optimizer.put(k.substring(10), e.getValue());
                } else if (k.startsWith("scheduler.")) {
                    scheduler.put(k.substring(10), e.getValue());
                } else if (k.startsWith("best.")) {
                    best.put(k.substring(5), e.getValue());
                }
            }
            Tensor rng = file.tensors().get("trainer.rng");
            Tensor hist = file.tensors().get("trainer.history");
            if (rng == null || rng.dtype() != DType.INT64 || rng.numel() != 6) {
                throw new IOException(path + ": the checkpoint's trainer.rng is missing or not 6 int64 values");
            }
            if (hist == null || hist.dim() != 2 || hist.size(1) != 3) {
                throw new IOException(path + ": the checkpoint's trainer.history is missing or not [steps, 3]");
            }
            double[] h = hist.to(DType.FLOAT64).toDoubleArray();
            List<LossRecord> history = new ArrayList<>();
            for (int i = 0; i < hist.size(0); i++) {
                history.add(new LossRecord((long) h[3 * i], h[3 * i + 1], h[3 * i + 2]));
            }
            Map<String, String> own = new LinkedHashMap<>();
            for (Map.Entry<String, String> e : meta.entrySet()) {
                if (!e.getKey().startsWith(META)) {
                    own.put(e.getKey(), e.getValue());
                }
            }
            RunState state = new RunState(step, bestVal, bestStep, bad, best, Rng.fromState(rng.toLongArray()),
                    history);
            return new Checkpoint(state, model, optimizer, scheduler, own, path);
        } catch (NumberFormatException e) {
            throw new IOException(path + ": the checkpoint's metadata is corrupt (" + e.getMessage() + ")", e);
        }
    }

    private static String require(Path path, Map<String, String> meta, String key) throws IOException {
        String v = meta.get(META + key);
        if (v == null) {
            throw new IOException(path + ": the checkpoint lacks its " + META + key + " metadata");
        }
        return v;
    }

    /**
     * Where the run stood: steps, history, best validation, the batch generator's position.
     *
     * @return a copy of the run state (changing it does not change the checkpoint)
     */
    public RunState state() {
        return state.copy();
    }

    /**
     * The number of steps done when the checkpoint was written.
     *
     * @return the step
     */
    public long step() {
        return state.step();
    }

    /**
     * The model's state dict at the checkpoint.
     *
     * @return key → tensor (read-only)
     */
    public Map<String, Tensor> model() {
        return model;
    }

    /**
     * The optimizer's state dict.
     *
     * @return key → tensor (read-only)
     */
    public Map<String, Tensor> optimizer() {
        return optimizer;
    }

    /**
     * The learning-rate schedule's state dict.
     *
     * @return key → tensor (read-only), empty without a schedule
     */
    public Map<String, Tensor> scheduler() {
        return scheduler;
    }

    /**
     * The caller's own metadata stored with the checkpoint.
     *
     * @return key → value (read-only)
     */
    public Map<String, String> metadata() {
        return metadata;
    }

    /**
     * What the checkpoint describes itself as in messages: the file it was read from, if any.
     *
     * @return e.g. {@code the checkpoint runs/model.ckpt.safetensors}
     */
    String describe() {
        return source == null ? "the checkpoint" : "the checkpoint " + source;
    }
}
