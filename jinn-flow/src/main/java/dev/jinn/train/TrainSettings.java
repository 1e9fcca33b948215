package dev.jinn.train;

import dev.jinn.tensor.Rng;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The settings of a training run, as one immutable value: how long and on what batches, the learning rate and
 * its schedule, clipping, validation and early stopping, checkpoints and the seed. A {@link Trainer} takes them
 * with its collaborators (model, data, listener, optimizer factory); a command line or a distributed driver fills
 * a {@link Builder}. Every value is checked when the record is made.
 *
 * @param steps               the total number of optimisation steps, at least 1
 * @param batchSize           samples per step, at least 1
 * @param lr                  the base learning rate, positive and finite
 * @param weightDecay         decoupled weight decay, at least 0 (the default optimizer is AdamW when positive)
 * @param schedule            how the learning rate changes after the warm-up
 * @param warmupSteps         steps of linear warm-up from {@code lr / warmupSteps}, at least 0 (0: none)
 * @param clipGradNorm        the largest total gradient norm before a step, at least 0 (0: no clipping)
 * @param validateEvery       steps between validations (and always at the last step), at least 1
 * @param validationBatchSize rows per forward pass when validating, at least 1
 * @param patience            validations without a new best value before stopping, at least 0 (0: never)
 * @param restoreBest         whether the weights of the best validation are put back at the end
 * @param checkpointPath      where checkpoints go, or null for none
 * @param checkpointEvery     steps between checkpoints (0: only the final one), at least 0
 * @param seed                the seed of the generator that draws the batches
 * @param locateNonFinite     whether a non-finite loss is traced to the first module that produced it
 * @param checkpointMetadata  the caller's entries in every checkpoint's metadata (e.g. the architecture)
 */
public record TrainSettings(long steps, int batchSize, double lr, double weightDecay, LrSchedule schedule,
        int warmupSteps, double clipGradNorm, int validateEvery, int validationBatchSize, int patience,
        boolean restoreBest, Path checkpointPath, int checkpointEvery, long seed, boolean locateNonFinite,
        Map<String, String> checkpointMetadata) {

    /**
     * Checks every value and copies the metadata.
     *
     * @param steps               steps
     * @param batchSize           batch size
     * @param lr                  learning rate
     * @param weightDecay         weight decay
     * @param schedule            schedule
     * @param warmupSteps         warm-up steps
     * @param clipGradNorm        clipping norm
     * @param validateEvery       validation interval
     * @param validationBatchSize validation chunk size
     * @param patience            early-stopping patience
     * @param restoreBest         restore flag
     * @param checkpointPath      checkpoint file or null
     * @param checkpointEvery     checkpoint interval
     * @param seed                batch seed
     * @param locateNonFinite     locate flag
     * @param checkpointMetadata  checkpoint metadata
     * @throws IllegalArgumentException naming the first invalid setting and its value
     */
    public TrainSettings {
        check(steps >= 1, "steps must be >= 1, got " + steps);
        check(batchSize >= 1, "batchSize must be >= 1, got " + batchSize);
        check(lr > 0 && Double.isFinite(lr), "lr must be positive and finite, got " + lr);
        check(weightDecay >= 0 && Double.isFinite(weightDecay), "weightDecay must be >= 0, got " + weightDecay);
        check(schedule != null, "schedule must not be null");
        check(warmupSteps >= 0, "warmupSteps must be >= 0, got " + warmupSteps);
        check(clipGradNorm >= 0 && !Double.isNaN(clipGradNorm), "clipGradNorm must be >= 0, got " + clipGradNorm);
        check(validateEvery >= 1, "validateEvery must be >= 1, got " + validateEvery);
        check(validationBatchSize >= 1, "validationBatchSize must be >= 1, got " + validationBatchSize);
        check(patience >= 0, "patience must be >= 0, got " + patience);
        check(checkpointEvery >= 0, "checkpoint interval must be >= 0, got " + checkpointEvery);
        for (String key : checkpointMetadata.keySet()) {
            check(!key.startsWith(Checkpoint.RESERVED_PREFIX), "checkpoint metadata key '" + key + "' is reserved");
        }
        checkpointMetadata = Collections.unmodifiableMap(new LinkedHashMap<>(checkpointMetadata));
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException("TrainSettings: " + message);
        }
    }

    /**
     * A builder with the defaults: 1000 steps of batch 100, lr 1e-3, no decay, constant schedule, no warm-up or
     * clipping, validation every 100 steps in chunks of 1000, no early stopping, best weights restored, no
     * checkpoints, seed {@link Rng#DEFAULT_SEED}, non-finite losses located.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The settings with the defaults of {@link #builder()}.
     *
     * @return the default settings
     */
    public static TrainSettings defaults() {
        return builder().build();
    }

    /**
     * A builder starting from these settings, to derive a variant.
     *
     * @return a new builder holding these values
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.steps = steps;
        b.batchSize = batchSize;
        b.lr = lr;
        b.weightDecay = weightDecay;
        b.schedule = schedule;
        b.warmupSteps = warmupSteps;
        b.clipGradNorm = clipGradNorm;
        b.validateEvery = validateEvery;
        b.validationBatchSize = validationBatchSize;
        b.patience = patience;
        b.restoreBest = restoreBest;
        b.checkpointPath = checkpointPath;
        b.checkpointEvery = checkpointEvery;
        b.seed = seed;
        b.locateNonFinite = locateNonFinite;
        b.checkpointMetadata.putAll(checkpointMetadata);
        return b;
    }

    /** Collects {@link TrainSettings}; {@link #build()} checks them. */
    public static final class Builder {
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
        private boolean locateNonFinite = true;
        private final Map<String, String> checkpointMetadata = new LinkedHashMap<>();

        private Builder() {
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
         * Sets a decoupled weight decay; with the default optimizer a positive value means AdamW (default 0).
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
         * @param path  the checkpoint file (replaced atomically each time), or null for none
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
         * Checks the values and makes the settings.
         *
         * @return the settings
         * @throws IllegalArgumentException naming the first invalid setting
         */
        public TrainSettings build() {
            return new TrainSettings(steps, batchSize, lr, weightDecay, schedule, warmupSteps, clipGradNorm,
                    validateEvery, validationBatchSize, patience, restoreBest, checkpointPath, checkpointEvery, seed,
                    locateNonFinite, checkpointMetadata);
        }
    }
}
