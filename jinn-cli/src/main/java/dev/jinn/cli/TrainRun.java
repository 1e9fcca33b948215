package dev.jinn.cli;

import dev.jinn.model.ModelFile;
import dev.jinn.model.ModelConfig;
import dev.jinn.cli.data.TrainingData;
import dev.jinn.flow.SequenceINN;
import dev.jinn.kernel.Threads;
import dev.jinn.tensor.Rng;
import dev.jinn.train.Checkpoint;
import dev.jinn.train.LossRecord;
import dev.jinn.train.LrSchedule;
import dev.jinn.train.Nll;
import dev.jinn.train.TrainResult;
import dev.jinn.train.TrainSettings;
import dev.jinn.train.Trainer;
import dev.jinn.cli.plot.Plots;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The training pipeline behind {@code jinn train} and {@code jinn demo}: load the data, build the architecture,
 * fit it with progress and checkpoints, measure the held-out NLL, save the model file and draw the plots.
 */
final class TrainRun {
    /**
     * What to train.
     *
     * @param data     the data options
     * @param model    the architecture to build and how it trains
     * @param training the optimisation settings, with the checkpoint file (or none) and its interval
     * @param out      the model file
     * @param resume   the checkpoint to resume from, or null
     * @param plots    the directory for PNG plots, or null
     * @param progress how to show progress
     */
    record Settings(TrainingData.Options data, ModelChoice model, TrainSettings training, Path out, Path resume,
            Path plots, Progress.Mode progress) {
    }

    /**
     * What came out.
     *
     * @param heldOutNll the held-out NLL in data units (nats per sample), NaN without a validation set
     * @param bitsPerDim the held-out NLL in bits per dimension
     * @param finalNll   the mean training NLL of the last steps, data units
     * @param result     the trainer's result
     * @param seconds    the training time
     * @param files      the files written (model, plots)
     */
    record Summary(double heldOutNll, double bitsPerDim, double finalNll, TrainResult result, double seconds,
            List<Path> files) {
    }

    /** The latent temperature of the digit grids drawn after training. */
    static final double GRID_TEMPERATURE = 0.7;

    private TrainRun() {
    }

    /** The plot files a run may write into its plots directory. */
    private static final List<String> PLOT_FILES = List.of("loss.png", "samples.png", "density.png", "digits.png");

    static Summary run(Settings s, PrintWriter out, PrintWriter err) throws IOException {
        return run(s, out, err, "--out", "--plots");
    }

    /**
     * Trains, naming the model file's and the plots' options as the calling command spells them in messages
     * ({@code demo} has one {@code --out-dir} for both).
     */
    static Summary run(Settings s, PrintWriter out, PrintWriter err, String outOption, String plotsOption)
            throws IOException {
        if (s.resume() != null && !Files.isRegularFile(s.resume())) {
            throw Files.isDirectory(s.resume())
                    ? new IOException("--resume " + s.resume() + ": is a directory, not a checkpoint file")
                    : new NoSuchFileException(s.resume().toString(), null, "no such checkpoint file (--resume)");
        }
        try (OutputClaim claim = OutputClaim.claim(inputs(s), outputs(s, outOption, plotsOption))) {
            return train(s, out, err);
        }
    }

    /** The files a run reads: a CSV data file and the checkpoint it resumes. */
    private static List<OutputClaim.Named> inputs(Settings s) {
        List<OutputClaim.Named> in = new ArrayList<>();
        if (TrainingData.isFile(s.data().spec())) {
            in.add(new OutputClaim.Named("--data", Path.of(s.data().spec())));
        }
        if (s.resume() != null) {
            in.add(new OutputClaim.Named("--resume", s.resume()));
        }
        return in;
    }

    /** The files a run writes; its checkpoint may be the one it resumes (read in full before the first write). */
    private static List<OutputClaim.Named> outputs(Settings s, String outOption, String plotsOption) {
        List<OutputClaim.Named> o = new ArrayList<>();
        o.add(new OutputClaim.Named(outOption, s.out()));
        if (s.training().checkpointPath() != null) {
            o.add(new OutputClaim.Named("--checkpoint", s.training().checkpointPath(), "--resume"));
        }
        if (s.plots() != null) {
            for (String f : PLOT_FILES) {
                o.add(new OutputClaim.Named(plotsOption, s.plots().resolve(f)));
            }
        }
        return o;
    }

    private static Summary train(Settings s, PrintWriter out, PrintWriter err) throws IOException {
        TrainingData data = TrainingData.load(s.data());
        warnIfTooFewRows(data, err);
        TrainSettings t = s.training();
        ModelChoice m = s.model();
        ModelConfig config = new ModelConfig(m.architecture(), m.blocks(), m.hidden(), data.transform().dims(),
                data.transform().condition().dims(), t.seed(), m.bins());
        SequenceINN model = config.build().memorySaving(m.memorySaving());
        double offset = data.transform().nllOffset();
        TrainSettings.Builder settings = t.toBuilder();
        if (t.checkpointPath() != null) {
            config.metadata().forEach(settings::checkpointMetadata);
            settings.checkpointMetadata("jinn.train.data", data.name());
        }
        // The checkpoint is read once: checked against the options here, then handed to the trainer.
        Checkpoint resumeFrom = s.resume() == null ? null : checkpointFor(s.resume(), config, data.name());
        long startStep = resumeFrom == null ? 0 : resumeFrom.step();
        if (t.steps() < startStep) {
            throw new IllegalArgumentException("--steps " + t.steps() + " is below the step the checkpoint "
                    + s.resume() + " has reached (" + startStep + "); give --steps " + startStep
                    + " or more (the total, not the steps to add)");
        }
        out.printf(Locale.ROOT, "training %s on %s: %,d parameters, %d steps of batch %d, lr %s, seed %d, %d threads%s%n",
                config.describe(), data.name(), model.parameterCount(), t.steps(), t.batchSize(),
                Double.toString(t.lr()), t.seed(), Threads.count(), m.memorySaving() ? ", memory-saving" : "");
        out.flush();
        long t0 = System.nanoTime();
        TrainResult result;
        try (Progress progress = new Progress(s.progress(), out, offset, t.steps(), startStep)) {
            Trainer trainer = Trainer.builder(model, settings.build()).data(data.source())
                    .validation(data.validation()).listener(progress).build();
            result = resumeFrom != null ? trainer.resume(resumeFrom) : trainer.fit();
        }
        double seconds = (System.nanoTime() - t0) * 1e-9;
        double heldOut = data.validation() == null ? Double.NaN
                : Trainer.evaluate(model, data.validation(), 1000) + offset;
        double bpd = Double.isNaN(heldOut) ? Double.NaN : Nll.bitsPerDim(heldOut, config.dims());
        double finalNll = result.finalLoss() + offset;

        Map<String, String> prov = new LinkedHashMap<>();
        prov.put("data", data.name());
        prov.put("seed", Long.toString(t.seed()));
        prov.put("steps", Long.toString(result.steps()));
        prov.put("batch", Integer.toString(t.batchSize()));
        prov.put("lr", Double.toString(t.lr()));
        prov.put("weight_decay", Double.toString(t.weightDecay()));
        prov.put("schedule", t.schedule().name().toLowerCase(Locale.ROOT));
        prov.put("memory_saving", Boolean.toString(m.memorySaving()));
        prov.put("final_train_nll", Double.toString(finalNll));
        prov.put("heldout_nll", Double.toString(heldOut));
        prov.put("heldout_bits_per_dim", Double.toString(bpd));
        prov.put("stopped_early", Boolean.toString(result.stoppedEarly()));
        prov.put("best_step", Long.toString(result.bestStep()));
        prov.put("jinn_version", JinnVersion.get());
        prov.put("date", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        prov.put("java", System.getProperty("java.version"));
        prov.put("threads", Integer.toString(Threads.count()));
        prov.put("train_seconds", String.format(Locale.ROOT, "%.1f", seconds));
        ModelFile file = new ModelFile(config, data.transform(), prov, model);
        file.save(s.out());
        List<Path> files = new ArrayList<>();
        files.add(s.out());
        if (s.plots() != null) {
            files.addAll(plots(file, data, result, s.plots(), t.seed()));
        }
        return new Summary(heldOut, bpd, finalNll, result, seconds, files);
    }

    /**
     * A density in D dimensions cannot be learned from D rows or fewer: the flow then fits the points
     * themselves (the held-out NLL says so later, but the run would be wasted first).
     */
    private static void warnIfTooFewRows(TrainingData data, PrintWriter err) {
        int columns = data.transform().dims() + data.transform().condition().dims();
        if (data.trainingRows() != TrainingData.GENERATED && data.trainingRows() <= columns) {
            err.printf(Locale.ROOT, "warning: %s has %d training rows for %d columns (with the condition's);"
                    + " a flow needs many more rows than columns, so expect it to fit the rows, not a density%n",
                    data.name(), data.trainingRows(), columns);
            err.flush();
        }
    }

    /** Reads a checkpoint to resume and checks that it is for this model, seed and data. */
    private static Checkpoint checkpointFor(Path path, ModelConfig config, String dataName) throws IOException {
        Checkpoint c = Checkpoint.read(path);
        ModelConfig saved;
        try {
            saved = ModelConfig.read(c.metadata());
        } catch (IllegalArgumentException e) {
            throw new IOException(path + " was not written by jinn train (" + e.getMessage() + ")", e);
        }
        if (!saved.equals(config)) {
            throw new IllegalArgumentException("the checkpoint " + path + " is for the model '" + saved.describe()
                    + ", seed " + saved.seed() + "', but the options describe '" + config.describe() + ", seed "
                    + config.seed() + "'; pass the same --data, --arch, --blocks, --hidden, --bins and --seed");
        }
        String savedData = c.metadata().get("jinn.train.data");
        if (savedData != null && !savedData.equals(dataName)) {
            throw new IllegalArgumentException("the checkpoint " + path + " was trained on '" + savedData
                    + "', not on '" + dataName + "'");
        }
        return c;
    }

    /** Draws loss.png and, by the kind of data, samples.png + density.png (2-D) or digits.png (images). */
    static List<Path> plots(ModelFile m, TrainingData data, TrainResult result, Path dir, long seed)
            throws IOException {
        List<Path> files = new ArrayList<>();
        double offset = m.transform().nllOffset();
        List<LossRecord> h = result.history();
        double[] steps = new double[h.size()];
        double[] loss = new double[h.size()];
        List<double[]> val = new ArrayList<>();
        for (int i = 0; i < h.size(); i++) {
            steps[i] = h.get(i).step();
            loss[i] = h.get(i).loss() + offset;
            if (!Double.isNaN(h.get(i).validationLoss())) {
                val.add(new double[] {h.get(i).step(), h.get(i).validationLoss() + offset});
            }
        }
        Path lossPng = dir.resolve("loss.png");
        Plots.loss(steps, loss, val.stream().mapToDouble(v -> v[0]).toArray(),
                val.stream().mapToDouble(v -> v[1]).toArray(), "NLL (nats per sample)", lossPng);
        files.add(lossPng);
        Rng rng = new Rng(seed + 1);
        if (m.config().dims() == 2 && m.config().conditionDims() == 0) {
            Path samples = dir.resolve("samples.png");
            Path density = dir.resolve("density.png");
            Sampler.twoDimensional(m.model(), m.transform(), data.plotRows(), rng, samples, density);
            files.add(samples);
            files.add(density);
        } else if (Sampler.isImageGrid(m.transform())) {
            // At temperature 0.7, as Glow shows its samples: typical strokes rather than the noisy tails.
            Path grid = dir.resolve("digits.png");
            Sampler.digitsGrid(m.model(), m.transform(), 12, null, GRID_TEMPERATURE, rng, grid);
            files.add(grid);
        }
        return files;
    }
}
