package dev.jinn.train;

import dev.jinn.flow.FlowResult;
import dev.jinn.flow.InvertibleModule;
import dev.jinn.flow.ModuleCall;
import dev.jinn.flow.SequenceINN;
import dev.jinn.io.StateDictException;
import dev.jinn.optim.Adam;
import dev.jinn.optim.AdamW;
import dev.jinn.optim.CosineAnnealingLR;
import dev.jinn.optim.GradClip;
import dev.jinn.optim.LRScheduler;
import dev.jinn.optim.LinearWarmup;
import dev.jinn.optim.Optimizer;
import dev.jinn.optim.SequentialLR;
import dev.jinn.tensor.DType;
import dev.jinn.tensor.Grad;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fits any invertible network by maximum likelihood under a standard normal base density: each step draws a
 * batch from a {@link BatchSource}, computes the mean {@link Nll} {@code ½‖f(x)‖² + (D/2)·log 2π − log|det J|},
 * back-propagates it and takes an Adam step (AdamW when a weight decay is set), with an optional learning-rate
 * schedule and gradient-norm clipping.
 *
 * <p>With a validation set, the validation NLL is evaluated every {@code validateEvery} steps; the weights with
 * the lowest value are kept, early stopping ends the run after {@code patience} evaluations without
 * improvement, and the best weights are put back at the end. A {@link TrainingListener} hears about every step.
 *
 * <p>Checkpoints ({@link Checkpoint}) are written every {@code checkpointEvery} steps and at the end; they hold
 * the model, the optimizer, the schedule, the data generator's position and the history, so
 * {@link #resume(Path)} continues a run and ends bit-identical to a run that was never interrupted (same seed,
 * same thread count). A NaN or infinite loss or gradient stops the run with a {@link NonFiniteLossException}
 * naming the step and, for a {@link SequenceINN}, the first module whose output or log-det is not finite; the
 * optimizer does not apply that step and no checkpoint is written for it.
 *
 * <pre>{@code
 * Trainer t = Trainer.builder(inn).data(source).steps(3000).batchSize(100).lr(1e-3).seed(1).build();
 * TrainResult r = t.fit();
 * }</pre>
 */
public final class Trainer {
    private static final int FINAL_LOSS_WINDOW = 100;

    private final InvertibleModule model;
    private final BatchSource source;
    private final Batch validation;
    private final long steps;
    private final int batchSize;
    private final double lr;
    private final double weightDecay;
    private final LrSchedule schedule;
    private final int warmupSteps;
    private final double clipGradNorm;
    private final int validateEvery;
    private final int validationBatchSize;
    private final int patience;
    private final boolean restoreBest;
    private final Path checkpointPath;
    private final int checkpointEvery;
    private final long seed;
    private final TrainingListener listener;
    private final Map<String, String> checkpointMetadata;
    private final boolean locateNonFinite;
    private volatile boolean stopRequested;

    private Trainer(Builder b) {
        this.model = b.model;
        this.source = b.source;
        this.validation = b.validation;
        this.steps = b.steps;
        this.batchSize = b.batchSize;
        this.lr = b.lr;
        this.weightDecay = b.weightDecay;
        this.schedule = b.schedule;
        this.warmupSteps = b.warmupSteps;
        this.clipGradNorm = b.clipGradNorm;
        this.validateEvery = b.validateEvery;
        this.validationBatchSize = b.validationBatchSize;
        this.patience = b.patience;
        this.restoreBest = b.restoreBest;
        this.checkpointPath = b.checkpointPath;
        this.checkpointEvery = b.checkpointEvery;
        this.seed = b.seed;
        this.listener = b.listener;
        this.checkpointMetadata = Map.copyOf(b.checkpointMetadata);
        this.locateNonFinite = b.locateNonFinite;
    }

    /**
     * A builder for training the given model.
     *
     * @param model the network to fit (its parameters are updated in place)
     * @return the builder
     */
    public static Builder builder(InvertibleModule model) {
        return new Builder(model);
    }

    /**
     * Asks the run to stop after the current step (thread-safe). The run then writes its final checkpoint, if
     * one is configured, and returns normally with {@link TrainResult#stoppedByRequest()} set.
     */
    public void stop() {
        stopRequested = true;
    }

    /**
     * Trains from the model's current weights and a fresh optimizer, with the data generator seeded by the
     * builder's seed.
     *
     * @return the outcome
     * @throws NonFiniteLossException when the loss or a gradient becomes NaN or infinite
     * @throws UncheckedIOException   when a checkpoint cannot be written
     */
    public TrainResult fit() {
        return run(null);
    }

    /**
     * Continues a run from a checkpoint written by a trainer with the same model architecture and settings: the
     * model, optimizer, schedule, data generator and history are restored, then training goes on up to this
     * trainer's step count (which may be larger than the original one).
     *
     * @param checkpoint the checkpoint file
     * @return the outcome, including the steps before the checkpoint
     * @throws IOException              when the file cannot be read or is not a checkpoint
     * @throws IllegalArgumentException when the checkpoint does not fit the model or optimizer (the message names
     *                                  the file and the mismatched keys)
     */
    public TrainResult resume(Path checkpoint) throws IOException {
        Checkpoint c = Checkpoint.read(checkpoint);
        try {
            return run(c);
        } catch (StateDictException e) {
            throw new IllegalArgumentException("the checkpoint " + checkpoint + " does not fit this model and "
                    + "trainer: " + e.getMessage(), e);
        }
    }

    private TrainResult run(Checkpoint from) {
        stopRequested = false;
        List<Tensor> params = model.parameters();
        if (params.isEmpty()) {
            throw new IllegalArgumentException("Trainer: the model " + model.describe() + " has no parameters");
        }
        DType dtype = params.get(0).dtype();
        Optimizer<?> opt = weightDecay > 0
                ? AdamW.create(params, AdamW.builder().lr(lr).weightDecay(weightDecay))
                : Adam.builder().lr(lr).build(params);
        LRScheduler scheduler = makeScheduler(opt);
        Rng rng = new Rng(seed);
        long step = 0;
        double bestVal = Double.NaN;
        long bestStep = -1;
        int bad = 0;
        Map<String, Tensor> bestState = null;
        List<LossRecord> history = new ArrayList<>();
        if (from != null) {
            model.loadStateDict(from.model(), true);
            opt.loadStateDict(from.optimizer());
            if (scheduler != null) {
                if (from.scheduler().isEmpty()) {
                    throw new IllegalArgumentException("the checkpoint has no learning-rate schedule state, but this"
                            + " trainer uses the " + schedule + " schedule");
                }
                scheduler.loadStateDict(from.scheduler());
            }
            rng = Rng.fromState(from.rngState());
            step = from.step();
            bestVal = from.bestValidationLoss();
            bestStep = from.bestStep();
            bad = from.badValidations();
            bestState = from.best().isEmpty() ? null : copy(from.best());
            history.addAll(from.history());
        }
        model.train();
        boolean stoppedEarly = false;
        boolean stoppedByRequest = false;
        long checkpointedAt = -1;
        long startStep = step;
        long start = System.nanoTime();
        while (step < steps && !stoppedEarly && !stoppedByRequest) {
            Batch batch = toDtype(source.next(batchSize, rng), dtype);
            double usedLr = opt.lr(0);
            FlowResult r = model.forward(batch.x(), batch.conditions());
            Tensor loss = Nll.perSample(r).mean();
            double lossValue = loss.item();
            if (!Double.isFinite(lossValue)) {
                throw nonFiniteLoss(step + 1, lossValue, batch, checkpointedAt);
            }
            opt.zeroGrad();
            loss.backward();
            double norm = GradClip.clipGradNorm(params, clipGradNorm > 0 ? clipGradNorm : Double.MAX_VALUE, 2, false);
            if (!Double.isFinite(norm)) {
                throw nonFiniteGradient(step + 1, lossValue, checkpointedAt);
            }
            opt.step();
            opt.zeroGrad();
            if (scheduler != null) {
                scheduler.step();
            }
            step++;
            double val = Double.NaN;
            if (validation != null && validateEvery > 0 && (step % validateEvery == 0 || step == steps)) {
                val = evaluate(model, validation, validationBatchSize);
                if (Double.isFinite(val) && (Double.isNaN(bestVal) || val < bestVal)) {
                    bestVal = val;
                    bestStep = step;
                    bad = 0;
                    if (restoreBest) {
                        bestState = copy(model.stateDict());
                    }
                } else {
                    bad++;
                    stoppedEarly = patience > 0 && bad >= patience;
                }
            }
            history.add(new LossRecord(step, lossValue, val));
            if (listener != null) {
                double elapsed = (System.nanoTime() - start) * 1e-9;
                listener.onStep(new TrainingEvent(step, steps, lossValue, val, bestVal, usedLr,
                        (step - startStep) * (double) batchSize / Math.max(elapsed, 1e-9), elapsed));
            }
            stoppedByRequest = stopRequested;
            if (checkpointPath != null && checkpointEvery > 0 && step % checkpointEvery == 0) {
                writeCheckpoint(step, bestVal, bestStep, bad, opt, scheduler, bestState, rng, history);
                checkpointedAt = step;
            }
        }
        if (checkpointPath != null && checkpointedAt != step) {
            writeCheckpoint(step, bestVal, bestStep, bad, opt, scheduler, bestState, rng, history);
        }
        boolean restored = false;
        if (restoreBest && bestState != null) {
            model.loadStateDict(bestState, true);
            restored = true;
        }
        return new TrainResult(step, recentLoss(history), bestVal, bestStep, stoppedEarly, stoppedByRequest,
                restored, history);
    }

    private LRScheduler makeScheduler(Optimizer<?> opt) {
        int warm = (int) Math.min(warmupSteps, steps);
        LRScheduler main = null;
        if (schedule == LrSchedule.COSINE) {
            main = new CosineAnnealingLR(opt, (int) Math.max(1, Math.min(Integer.MAX_VALUE, steps - warm)), lr * 0.01);
        }
        if (warm <= 0) {
            return main;
        }
        LRScheduler warmup = new LinearWarmup(opt, 1.0 / warm, 1.0, warm);
        return main == null ? warmup : new SequentialLR(opt, List.of(warmup, main), new int[] {warm});
    }

    private void writeCheckpoint(long step, double bestVal, long bestStep, int bad, Optimizer<?> opt,
            LRScheduler scheduler, Map<String, Tensor> bestState, Rng rng, List<LossRecord> history) {
        Checkpoint c = new Checkpoint(step, bestVal, bestStep, bad, model.stateDict(), opt.stateDict(),
                scheduler == null ? Map.of() : scheduler.stateDict(), bestState == null ? Map.of() : bestState,
                rng.state(), history, checkpointMetadata);
        try {
            c.write(checkpointPath);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the checkpoint " + checkpointPath + " at step " + step
                    + ": " + e, e);
        }
    }

    private static double recentLoss(List<LossRecord> history) {
        int n = Math.min(FINAL_LOSS_WINDOW, history.size());
        double sum = 0;
        for (int i = history.size() - n; i < history.size(); i++) {
            sum += history.get(i).loss();
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    private static Map<String, Tensor> copy(Map<String, Tensor> state) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        try (var g = Grad.disabled()) {
            for (Map.Entry<String, Tensor> e : state.entrySet()) {
                out.put(e.getKey(), e.getValue().detach().copy());
            }
        }
        return out;
    }

    private static Batch toDtype(Batch b, DType dtype) {
        if (b.x().dtype() == dtype && b.conditions().stream().allMatch(c -> c.dtype() == dtype)) {
            return b;
        }
        return new Batch(b.x().to(dtype), b.conditions().stream().map(c -> c.to(dtype)).toList());
    }

    /**
     * The mean NLL (nats per sample) of a data set under a model, evaluated in chunks without gradients and in
     * eval mode (the model's mode is restored afterwards).
     *
     * @param model     the flow
     * @param data      the samples and conditions
     * @param chunkSize the number of rows per forward pass
     * @return the mean NLL (NaN or infinite if any sample's is)
     */
    public static double evaluate(InvertibleModule model, Batch data, int chunkSize) {
        if (chunkSize < 1) {
            throw new IllegalArgumentException("Trainer.evaluate: chunkSize must be >= 1, got " + chunkSize);
        }
        boolean wasTraining = model.isTraining();
        model.eval();
        DType dtype = model.parameters().isEmpty() ? data.x().dtype() : model.parameters().get(0).dtype();
        double sum = 0;
        try (var g = Grad.disabled()) {
            for (int s = 0; s < data.size(); s += chunkSize) {
                Batch b = toDtype(data.rows(s, Math.min(chunkSize, data.size() - s)), dtype);
                sum += Nll.perSample(model.forward(b.x(), b.conditions())).to(DType.FLOAT64).sum().item();
            }
        } finally {
            model.train(wasTraining);
        }
        return sum / data.size();
    }

    private NonFiniteLossException nonFiniteLoss(long step, double value, Batch batch, long checkpointedAt) {
        String where = locateNonFinite ? locate(batch) : null;
        String msg = "training stopped at step " + step + ": the loss is " + value
                + (where == null ? "" : " (the first non-finite values appear in " + where + ")")
                + keptCheckpoint(checkpointedAt) + "; try a lower learning rate, gradient clipping or a smaller clamp";
        return new NonFiniteLossException(step, where, msg);
    }

    private NonFiniteLossException nonFiniteGradient(long step, double lossValue, long checkpointedAt) {
        String where = null;
        try (var g = Grad.disabled()) {
            for (Map.Entry<String, Tensor> e : model.namedParameters().entrySet()) {
                Tensor grad = e.getValue().grad();
                if (grad != null && !finite(grad)) {
                    where = "the gradient of parameter " + e.getKey();
                    break;
                }
            }
        }
        String msg = "training stopped at step " + step + ": a gradient is not finite (loss " + lossValue + ")"
                + (where == null ? "" : "; the first one is " + where) + keptCheckpoint(checkpointedAt)
                + "; try a lower learning rate, gradient clipping or a smaller clamp";
        return new NonFiniteLossException(step, where, msg);
    }

    private String keptCheckpoint(long checkpointedAt) {
        if (checkpointPath == null) {
            return "";
        }
        return checkpointedAt >= 0 ? "; the last good checkpoint, " + checkpointPath + " at step " + checkpointedAt
                + ", is kept" : "; no checkpoint was written in this run";
    }

    /** Finds where non-finite values first appear: the input, a module of a sequence, or the whole flow. */
    private String locate(Batch batch) {
        try (var g = Grad.disabled()) {
            if (!finite(batch.x())) {
                return "the input batch";
            }
            if (model instanceof SequenceINN seq) {
                Tensor h = batch.x();
                for (int k = 0; k < seq.size(); k++) {
                    int ci = seq.conditionIndex(k);
                    List<Tensor> cond = ci >= 0 ? List.of(batch.conditions().get(ci)) : List.of();
                    String who = "module " + k + " (" + seq.get(k).describe() + ")";
                    FlowResult r = ModuleCall.run(seq.get(k), who, List.of(h), cond, false, true);
                    if (!finite(r.output())) {
                        return "the output of " + who;
                    }
                    if (!finite(r.logDet())) {
                        return "the log-det of " + who;
                    }
                    h = r.output();
                }
                return "the NLL (values too large for " + h.dtype() + ")";
            }
            FlowResult r = model.forward(batch.x(), batch.conditions());
            return !finite(r.output()) ? "the output of " + model.describe()
                    : !finite(r.logDet()) ? "the log-det of " + model.describe() : "the NLL";
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static boolean finite(Tensor t) {
        return Double.isFinite(t.to(DType.FLOAT64).abs().sum().item());
    }

    /** The settings of a {@link Trainer}; all but {@link #data(BatchSource)} have defaults. */
    public static final class Builder {
        private final InvertibleModule model;
        private BatchSource source;
        private Batch validation;
        private long steps = 1000;
        private int batchSize = 100;
        private double lr = 1e-3;
        private double weightDecay;
        private LrSchedule schedule = LrSchedule.CONSTANT;
        private int warmupSteps;
        private double clipGradNorm;
        private int validateEvery = 100;
        private int validationBatchSize = 1000;
        private int patience;
        private boolean restoreBest = true;
        private Path checkpointPath;
        private int checkpointEvery;
        private long seed = Rng.DEFAULT_SEED;
        private TrainingListener listener;
        private final Map<String, String> checkpointMetadata = new LinkedHashMap<>();
        private boolean locateNonFinite = true;

        private Builder(InvertibleModule model) {
            if (model == null) {
                throw new IllegalArgumentException("Trainer: the model is null");
            }
            this.model = model;
        }

        /**
         * Sets where the training batches come from (required).
         *
         * @param source the batch source
         * @return this builder
         */
        public Builder data(BatchSource source) {
            this.source = source;
            return this;
        }

        /**
         * Sets a held-out validation set, evaluated every {@link #validateEvery(int)} steps and at the end.
         *
         * @param validation the samples and conditions (null: no validation)
         * @return this builder
         */
        public Builder validation(Batch validation) {
            this.validation = validation;
            return this;
        }

        /**
         * Sets the total number of optimisation steps (default 1000).
         *
         * @param steps at least 1
         * @return this builder
         */
        public Builder steps(long steps) {
            this.steps = steps;
            return this;
        }

        /**
         * Sets the number of samples per step (default 100).
         *
         * @param batchSize at least 1
         * @return this builder
         */
        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /**
         * Sets the base learning rate (default 1e-3).
         *
         * @param lr positive and finite
         * @return this builder
         */
        public Builder lr(double lr) {
            this.lr = lr;
            return this;
        }

        /**
         * Sets a decoupled weight decay; a positive value switches from Adam to AdamW (default 0).
         *
         * @param weightDecay &ge; 0
         * @return this builder
         */
        public Builder weightDecay(double weightDecay) {
            this.weightDecay = weightDecay;
            return this;
        }

        /**
         * Sets the learning-rate schedule (default {@link LrSchedule#CONSTANT}).
         *
         * @param schedule the schedule
         * @return this builder
         */
        public Builder schedule(LrSchedule schedule) {
            this.schedule = schedule;
            return this;
        }

        /**
         * Ramps the learning rate linearly up from {@code lr / warmupSteps} over the first steps (default 0: off).
         *
         * @param warmupSteps &ge; 0
         * @return this builder
         */
        public Builder warmupSteps(int warmupSteps) {
            this.warmupSteps = warmupSteps;
            return this;
        }

        /**
         * Clips the total gradient norm to this value before each step (default 0: off).
         *
         * @param maxNorm &ge; 0
         * @return this builder
         */
        public Builder clipGradNorm(double maxNorm) {
            this.clipGradNorm = maxNorm;
            return this;
        }

        /**
         * Sets how often the validation loss is evaluated (default every 100 steps; always at the last step).
         *
         * @param every steps between evaluations, &ge; 1
         * @return this builder
         */
        public Builder validateEvery(int every) {
            this.validateEvery = every;
            return this;
        }

        /**
         * Sets the number of rows per forward pass when evaluating the validation set (default 1000).
         *
         * @param size &ge; 1
         * @return this builder
         */
        public Builder validationBatchSize(int size) {
            this.validationBatchSize = size;
            return this;
        }

        /**
         * Stops after this many validations in a row without a new best value (default 0: never stop early).
         *
         * @param patience &ge; 0
         * @return this builder
         */
        public Builder patience(int patience) {
            this.patience = patience;
            return this;
        }

        /**
         * Whether to put the weights with the best validation loss back at the end (default true).
         *
         * @param restoreBest the flag
         * @return this builder
         */
        public Builder restoreBest(boolean restoreBest) {
            this.restoreBest = restoreBest;
            return this;
        }

        /**
         * Writes checkpoints to a file every {@code every} steps and at the end of the run.
         *
         * @param path  the checkpoint file (replaced atomically each time)
         * @param every steps between checkpoints; 0 writes only the final one
         * @return this builder
         */
        public Builder checkpoint(Path path, int every) {
            this.checkpointPath = path;
            this.checkpointEvery = every;
            return this;
        }

        /**
         * Adds an entry to the metadata of every checkpoint (e.g. the architecture, so a resumed run can check it).
         *
         * @param key   the key, not starting with {@code jinn.checkpoint.}
         * @param value the value
         * @return this builder
         */
        public Builder checkpointMetadata(String key, String value) {
            checkpointMetadata.put(key, value);
            return this;
        }

        /**
         * Seeds the generator that draws the batches (default {@link Rng#DEFAULT_SEED}).
         *
         * @param seed any value
         * @return this builder
         */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Sets the listener told about every step.
         *
         * @param listener the listener, or null
         * @return this builder
         */
        public Builder listener(TrainingListener listener) {
            this.listener = listener;
            return this;
        }

        /**
         * Whether to re-run a failing batch module by module to name where a non-finite loss first appears
         * (default true; costs one extra forward pass, only when the loss is not finite).
         *
         * @param locate the flag
         * @return this builder
         */
        public Builder locateNonFinite(boolean locate) {
            this.locateNonFinite = locate;
            return this;
        }

        /**
         * Checks the settings and creates the trainer.
         *
         * @return the trainer
         * @throws IllegalArgumentException naming the first invalid setting
         */
        public Trainer build() {
            if (source == null) {
                throw new IllegalArgumentException("Trainer: no training data (call data(...))");
            }
            check(steps >= 1, "steps must be >= 1, got " + steps);
            check(batchSize >= 1, "batchSize must be >= 1, got " + batchSize);
            check(lr > 0 && Double.isFinite(lr), "lr must be positive and finite, got " + lr);
            check(weightDecay >= 0 && Double.isFinite(weightDecay), "weightDecay must be >= 0, got " + weightDecay);
            check(schedule != null, "schedule must not be null");
            check(warmupSteps >= 0, "warmupSteps must be >= 0, got " + warmupSteps);
            check(clipGradNorm >= 0, "clipGradNorm must be >= 0, got " + clipGradNorm);
            check(validateEvery >= 1, "validateEvery must be >= 1, got " + validateEvery);
            check(validationBatchSize >= 1, "validationBatchSize must be >= 1, got " + validationBatchSize);
            check(patience >= 0, "patience must be >= 0, got " + patience);
            check(checkpointEvery >= 0, "checkpoint interval must be >= 0, got " + checkpointEvery);
            check(validation == null || validation.size() > 0, "the validation set is empty");
            return new Trainer(this);
        }

        private static void check(boolean ok, String message) {
            if (!ok) {
                throw new IllegalArgumentException("Trainer: " + message);
            }
        }
    }
}
