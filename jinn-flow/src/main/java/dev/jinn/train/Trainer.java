package dev.jinn.train;

import dev.jinn.check.Require;
import dev.jinn.autograd.Grad;
import dev.jinn.flow.FlowResult;
import dev.jinn.flow.InvertibleModule;
import dev.jinn.flow.SequenceINN;
import dev.jinn.io.StateDictException;
import dev.jinn.optim.GradClip;
import dev.jinn.optim.LRScheduler;
import dev.jinn.optim.Optimizer;
import dev.jinn.tensor.DType;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.TensorScope;
import dev.jinn.tensor.Tensors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fits any invertible network by maximum likelihood under a standard normal base density: each step computes
 * the mean {@link Nll} {@code ½‖f(x)‖² + (D/2)·log 2π − log|det J|} of a batch, back-propagates it and takes an
 * optimizer step (Adam by default, AdamW with a weight decay; any {@link OptimizerFactory}), with the learning
 * rate schedule and gradient-norm clipping of its {@link TrainSettings}.
 *
 * <p>A trainer is the settings, its collaborators (model, batch source, validation set, listener, optimizer)
 * and the {@link RunState} it advances. {@link #fit()} loops {@link #step(Batch)} over batches drawn from the
 * source until the settings' step count, early stopping or {@link #stop()}; a driver with its own data (e.g. a
 * distributed one) calls {@link #step(Batch)}, or {@link #computeGradients(Batch)} and
 * {@link #applyGradients(double, int)} with the gradients it combined in between, and {@link #finish()} at the
 * end.
 *
 * <p>With a validation set, the validation NLL is evaluated every {@code validateEvery} steps; the weights with
 * the lowest value are kept, early stopping ends the run after {@code patience} evaluations without
 * improvement, and the best weights are put back at the end. Checkpoints ({@link Checkpoint}) are written every
 * {@code checkpointEvery} steps and at the end; {@link #resume(Checkpoint)} continues a run and ends
 * bit-identical to a run that was never interrupted (same seed, same thread count). A NaN or infinite loss or
 * gradient stops the run with a {@link NonFiniteLossException} naming the step and, for a {@link SequenceINN},
 * the first module whose output or log-det is not finite; the optimizer does not apply that step and no
 * checkpoint is written for it.
 *
 * <pre>{@code
 * TrainSettings s = TrainSettings.builder().steps(3000).batchSize(100).lr(1e-3).seed(1).build();
 * TrainResult r = Trainer.builder(inn, s).data(source).build().fit();
 * }</pre>
 */
public final class Trainer {
    private static final int FINAL_LOSS_WINDOW = 100;

    private final InvertibleModule model;
    private final TrainSettings settings;
    private final BatchSource source;
    private final Batch validation;
    private final TrainingListener listener;
    private final List<Tensor> params;
    private final DType dtype;
    private final Optimizer<?> optimizer;
    private final LRScheduler scheduler;
    private final NonFiniteDiagnosis diagnosis;
    private RunState state;
    private boolean stoppedEarly;
    private volatile boolean stopRequested;
    private long checkpointedAt = -1;
    private long runSamples;
    private long runStartNanos = -1;

    private Trainer(Builder b) {
        this.model = b.model;
        this.settings = b.settings;
        this.source = b.source;
        this.validation = b.validation;
        this.listener = b.listener;
        this.params = model.parameters();
        if (params.isEmpty()) {
            throw new IllegalArgumentException("Trainer: the model " + model.describe() + " has no parameters");
        }
        this.dtype = params.get(0).dtype();
        this.optimizer = b.optimizerFactory.create(params, settings);
        this.scheduler = Schedules.of(optimizer, settings);
        this.diagnosis = new NonFiniteDiagnosis(model, settings.locateNonFinite());
        this.state = RunState.start(settings.seed());
    }

    /**
     * A builder for training the given model with the given settings.
     *
     * @param model    the network to fit (its parameters are updated in place)
     * @param settings the run's settings
     * @return the builder
     */
    public static Builder builder(InvertibleModule model, TrainSettings settings) {
        return new Builder(model, settings);
    }

    /**
     * The run's settings.
     *
     * @return the settings
     */
    public TrainSettings settings() {
        return settings;
    }

    /**
     * Where the run stands (live: it changes as the run goes on; {@link RunState#copy()} for a snapshot).
     *
     * @return the run state
     */
    public RunState state() {
        return state;
    }

    /**
     * The optimizer the factory made (e.g. to read its learning rate).
     *
     * @return the optimizer
     */
    public Optimizer<?> optimizer() {
        return optimizer;
    }

    /**
     * Asks the run to stop after the current step (thread-safe). {@link #fit()} then writes its final checkpoint,
     * if one is configured, and returns normally with {@link TrainResult#stoppedByRequest()} set.
     */
    public void stop() {
        stopRequested = true;
    }

    /**
     * Trains from the current state (a fresh one: the model's weights and a fresh optimizer, the batches drawn
     * with the settings' seed; or a restored one) up to the settings' step count.
     *
     * @return the outcome
     * @throws IllegalStateException  when the trainer was built without a batch source
     * @throws NonFiniteLossException when the loss or a gradient becomes NaN or infinite
     * @throws UncheckedIOException   when a checkpoint cannot be written
     */
    public TrainResult fit() {
        if (source == null) {
            throw new IllegalStateException("Trainer.fit: no training data (call Builder.data(...)); a driver "
                    + "with its own batches calls step(batch) instead");
        }
        stopRequested = false;
        model.train();
        while (!finished()) {
            try (TensorScope s = Tensors.scope()) { // the batch and whatever the step makes, recycled each step
                step(source.next(settings.batchSize(), state.rng()));
            }
        }
        return finish();
    }

    /**
     * Continues a run from a checkpoint written with the same model architecture and settings: the model,
     * optimizer, schedule and run state are restored, then training goes on up to this trainer's step count
     * (which may be larger than the original one).
     *
     * @param checkpoint the checkpoint, read once by the caller ({@link Checkpoint#read})
     * @return the outcome, including the steps before the checkpoint
     * @throws IllegalArgumentException when the checkpoint does not fit the model or optimizer (the message names
     *                                  the file and the mismatched keys)
     */
    public TrainResult resume(Checkpoint checkpoint) {
        restore(checkpoint);
        return fit();
    }

    /**
     * Puts the model, the optimizer, the schedule and the run state back to a checkpoint's, without training.
     *
     * @param checkpoint the checkpoint
     * @throws IllegalArgumentException when the checkpoint does not fit the model, the optimizer or the schedule
     */
    public void restore(Checkpoint checkpoint) {
        if (scheduler != null && checkpoint.scheduler().isEmpty()) {
            throw new IllegalArgumentException(checkpoint.describe() + " has no learning-rate schedule state, but "
                    + "this trainer uses the " + settings.schedule() + " schedule"
                    + (settings.warmupSteps() > 0 ? " with " + settings.warmupSteps() + " warm-up steps" : ""));
        }
        try {
            model.loadStateDict(checkpoint.model(), true);
            optimizer.loadStateDict(checkpoint.optimizer());
            if (scheduler != null) {
                scheduler.loadStateDict(checkpoint.scheduler());
            }
        } catch (StateDictException e) {
            throw new IllegalArgumentException(checkpoint.describe() + " does not fit this model and trainer: "
                    + e.getMessage(), e);
        }
        state = checkpoint.state();
        checkpointedAt = state.step();
        stoppedEarly = false;
    }

    /**
     * Whether the run is over: the step count is reached, early stopping triggered, or a stop was requested.
     *
     * @return true when no further step should be taken
     */
    public boolean finished() {
        return state.step() >= settings.steps() || stoppedEarly || stopRequested;
    }

    /**
     * One optimisation step on a batch: {@link #computeGradients(Batch)}, then {@link #applyGradients(double, int)}.
     *
     * @param batch the samples and conditions (converted to the model's dtype if needed)
     * @return what happened in the step
     * @throws NonFiniteLossException when the loss or a gradient is NaN or infinite (nothing is applied)
     */
    public TrainingEvent step(Batch batch) {
        return applyGradients(computeGradients(batch), batch.size());
    }

    /**
     * The first half of a step: the batch's mean NLL, back-propagated into the parameters' gradients (which are
     * cleared first). A data-parallel driver combines the gradients of several batches before
     * {@link #applyGradients(double, int)}.
     *
     * @param batch the samples and conditions
     * @return the batch's mean NLL in nats per sample
     * @throws NonFiniteLossException when the loss is NaN or infinite
     */
    public double computeGradients(Batch batch) {
        // The graph's storages go back to the pool at the end; the gradients are the parameters' (kept).
        try (TensorScope s = Tensors.scope()) {
            Batch b = toDtype(batch, dtype);
            FlowResult r = model.forward(b.x(), b.conditions());
            Tensor loss = Nll.perSample(r).mean();
            double value = loss.item();
            if (!Double.isFinite(value)) {
                throw diagnosis.loss(state.step() + 1, value, b, checkpointNote());
            }
            optimizer.zeroGrad();
            loss.backward();
            return value;
        }
    }

    /**
     * The second half of a step, on the gradients now held by the parameters: clipping, the optimizer's update,
     * the schedule, then validation, the history, the listener and a periodic checkpoint.
     *
     * @param loss    the step's training loss (for the history and the listener)
     * @param samples the number of samples the gradients came from (for the throughput)
     * @return what happened in the step
     * @throws NonFiniteLossException when a gradient is NaN or infinite (the update is not applied)
     */
    public TrainingEvent applyGradients(double loss, int samples) {
        if (runStartNanos < 0) {
            runStartNanos = System.nanoTime();
        }
        double usedLr = optimizer.lr(0);
        try (TensorScope s = Tensors.scope()) { // the clipping's and the update's temporaries
            double maxNorm = settings.clipGradNorm() > 0 ? settings.clipGradNorm() : Double.MAX_VALUE;
            double norm = GradClip.clipGradNorm(params, maxNorm, 2, false);
            if (!Double.isFinite(norm)) {
                throw diagnosis.gradient(state.step() + 1, loss, checkpointNote());
            }
            optimizer.step();
            optimizer.zeroGrad();
        }
        if (scheduler != null) {
            scheduler.step();
        }
        state.countStep();
        runSamples += samples;
        double val = validateIfDue();
        state.recordLosses(loss, val);
        double elapsed = (System.nanoTime() - runStartNanos) * 1e-9;
        TrainingEvent event = new TrainingEvent(state.step(), settings.steps(), loss, val,
                state.bestValidationLoss(), usedLr, runSamples / Math.max(elapsed, 1e-9), elapsed);
        if (listener != null) {
            listener.onStep(event);
        }
        if (settings.checkpointPath() != null && settings.checkpointEvery() > 0
                && state.step() % settings.checkpointEvery() == 0) {
            writeCheckpoint();
        }
        return event;
    }

    /**
     * Ends the run: writes the final checkpoint (unless one was written at this step) and puts the best weights
     * back if the settings say so.
     *
     * @return the outcome
     * @throws UncheckedIOException when the checkpoint cannot be written
     */
    public TrainResult finish() {
        if (settings.checkpointPath() != null && checkpointedAt != state.step()) {
            writeCheckpoint();
        }
        boolean restored = false;
        if (settings.restoreBest() && !state.bestWeights().isEmpty()) {
            model.loadStateDict(state.bestWeights(), true);
            restored = true;
        }
        runStartNanos = -1;
        runSamples = 0;
        return new TrainResult(state.step(), state.recentLoss(FINAL_LOSS_WINDOW), state.bestValidationLoss(),
                state.bestStep(), stoppedEarly, stopRequested, restored, state.history());
    }

    /** Evaluates the validation set when this step is due (every validateEvery steps and at the last). */
    private double validateIfDue() {
        long step = state.step();
        if (validation == null || (step % settings.validateEvery() != 0 && step != settings.steps())) {
            return Double.NaN;
        }
        double val = evaluate(model, validation, settings.validationBatchSize());
        // The weights are copied only when they are a new best and will be restored.
        boolean improved = state.recordValidation(val, () -> settings.restoreBest() ? copy(model.stateDict()) : null);
        if (!improved) {
            stoppedEarly = settings.patience() > 0 && state.badValidations() >= settings.patience();
        }
        return val;
    }

    private void writeCheckpoint() {
        Map<String, Tensor> sched = scheduler == null ? Map.of() : scheduler.stateDict();
        Checkpoint c = new Checkpoint(state, model.stateDict(), optimizer.stateDict(), sched,
                settings.checkpointMetadata(), null);
        try {
            c.write(settings.checkpointPath());
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the checkpoint " + settings.checkpointPath()
                    + " at step " + state.step() + ": " + e, e);
        }
        checkpointedAt = state.step();
    }

    /** What became of the checkpoints, for the message of a failed step. */
    private String checkpointNote() {
        if (settings.checkpointPath() == null) {
            return "";
        }
        return checkpointedAt >= 0 ? "; the last good checkpoint, " + settings.checkpointPath() + " at step "
                + checkpointedAt + ", is kept" : "; no checkpoint was written in this run";
    }

    private static Map<String, Tensor> copy(Map<String, Tensor> weights) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        try (var g = Grad.disabled()) {
            for (Map.Entry<String, Tensor> e : weights.entrySet()) {
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
        Require.atLeast(1, chunkSize, "Trainer.evaluate: chunkSize");
        boolean wasTraining = model.isTraining();
        model.eval();
        DType dtype = model.parameters().isEmpty() ? data.x().dtype() : model.parameters().get(0).dtype();
        double sum = 0;
        try (var g = Grad.disabled()) {
            for (int s = 0; s < data.size(); s += chunkSize) {
                try (TensorScope chunk = Tensors.scope()) {
                    Batch b = toDtype(data.rows(s, Math.min(chunkSize, data.size() - s)), dtype);
                    sum += Nll.perSample(model.forward(b.x(), b.conditions())).to(DType.FLOAT64).sum().item();
                }
            }
        } finally {
            model.train(wasTraining);
        }
        return sum / data.size();
    }

    /**
     * The collaborators of a {@link Trainer}; the settings are a {@link TrainSettings} value.
     */
    public static final class Builder {
        private final InvertibleModule model;
        private final TrainSettings settings;
        private BatchSource source;
        private Batch validation;
        private TrainingListener listener;
        private OptimizerFactory optimizerFactory = OptimizerFactory.adam();

        private Builder(InvertibleModule model, TrainSettings settings) {
            if (model == null) {
                throw new IllegalArgumentException("Trainer: the model is null");
            }
            if (settings == null) {
                throw new IllegalArgumentException("Trainer: the settings are null");
            }
            this.model = model;
            this.settings = settings;
        }

        /**
         * Sets where {@link Trainer#fit()} draws its batches (not needed by drivers that call
         * {@link Trainer#step(Batch)} themselves).
         *
         * @param source the batch source
         * @return this builder
         */
        public Builder data(BatchSource source) {
            this.source = source;
            return this;
        }

        /**
         * Sets a held-out validation set, evaluated every {@link TrainSettings#validateEvery()} steps and at the end.
         *
         * @param validation the samples and conditions (null: no validation)
         * @return this builder
         */
        public Builder validation(Batch validation) {
            if (validation != null && validation.size() == 0) {
                throw new IllegalArgumentException("Trainer: the validation set is empty");
            }
            this.validation = validation;
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
         * Sets how the optimizer is made (default {@link OptimizerFactory#adam()}).
         *
         * @param factory the factory
         * @return this builder
         */
        public Builder optimizer(OptimizerFactory factory) {
            if (factory == null) {
                throw new IllegalArgumentException("Trainer: the optimizer factory is null");
            }
            this.optimizerFactory = factory;
            return this;
        }

        /**
         * Makes the trainer and its optimizer.
         *
         * @return the trainer, at step 0
         * @throws IllegalArgumentException when the model has no parameters
         */
        public Trainer build() {
            return new Trainer(this);
        }
    }
}
