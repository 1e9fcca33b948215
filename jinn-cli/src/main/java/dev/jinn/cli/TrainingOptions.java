package dev.jinn.cli;

import dev.jinn.check.Require;
import dev.jinn.train.LrSchedule;
import dev.jinn.train.TrainSettings;
import picocli.CommandLine.Option;

/**
 * The optimisation options of {@code jinn train}: picocli fills them, {@link #settings()} checks them by their
 * option names and hands them over as a {@link TrainSettings} builder (the run adds the checkpoint file and its
 * metadata).
 */
final class TrainingOptions {
    @Option(names = "--steps", paramLabel = "S", defaultValue = "3000",
            description = "Optimisation steps (default: ${DEFAULT-VALUE}).")
    private long steps;
    @Option(names = "--batch", paramLabel = "B", defaultValue = "100", description = "Batch size (default: ${DEFAULT-VALUE}).")
    private int batch;
    @Option(names = "--lr", paramLabel = "LR", defaultValue = "1e-3",
            description = "Learning rate of Adam (default: ${DEFAULT-VALUE}).")
    private double lr;
    @Option(names = "--weight-decay", paramLabel = "WD", defaultValue = "0",
            description = "Decoupled weight decay; > 0 switches to AdamW (default: ${DEFAULT-VALUE}).")
    private double weightDecay;
    @Option(names = "--schedule", paramLabel = "NAME", defaultValue = "constant",
            description = "Learning-rate schedule: constant or cosine (default: ${DEFAULT-VALUE}).")
    private LrSchedule schedule;
    @Option(names = "--warmup", paramLabel = "S", defaultValue = "0",
            description = "Linear warm-up steps (default: ${DEFAULT-VALUE}).")
    private int warmup;
    @Option(names = "--clip", paramLabel = "NORM", defaultValue = "0",
            description = "Clip the gradient norm to this value; 0 = off (default: ${DEFAULT-VALUE}).")
    private double clip;
    @Option(names = "--validate-every", paramLabel = "S", defaultValue = "100",
            description = "Steps between held-out evaluations (default: ${DEFAULT-VALUE}).")
    private int validateEvery;
    @Option(names = "--patience", paramLabel = "K", defaultValue = "0",
            description = "Stop after K evaluations without improvement; 0 = never (default: ${DEFAULT-VALUE}).")
    private int patience;
    @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "Random seed (default: ${DEFAULT-VALUE}).")
    private long seed;
    @Option(names = "--checkpoint-every", paramLabel = "S", defaultValue = "500",
            description = "Steps between checkpoints; 0 = only at the end (default: ${DEFAULT-VALUE}).")
    private int checkpointEvery;

    /** Picocli creates and fills the options. */
    TrainingOptions() {
    }

    /** The seed: of the batches, and of the weights and permutations the architecture draws. */
    long seed() {
        return seed;
    }

    /** The checkpoint interval, for the run to pair with the checkpoint file. */
    int checkpointEvery() {
        return checkpointEvery;
    }

    /**
     * The settings, checked first in the command's own terms.
     *
     * @return a builder holding every option but the checkpoint file
     * @throws IllegalArgumentException naming the first bad option and its value
     */
    TrainSettings.Builder settings() {
        Require.atLeast(1, steps, "--steps");
        Require.atLeast(1, batch, "--batch");
        OptionChecks.positive("--lr", lr);
        OptionChecks.nonNegative("--weight-decay", weightDecay);
        Require.atLeast(0, warmup, "--warmup");
        OptionChecks.nonNegative("--clip", clip);
        Require.atLeast(1, validateEvery, "--validate-every");
        Require.atLeast(0, patience, "--patience");
        Require.atLeast(0, checkpointEvery, "--checkpoint-every");
        return TrainSettings.builder().steps(steps).batchSize(batch).lr(lr).weightDecay(weightDecay)
                .schedule(schedule).warmupSteps(warmup).clipGradNorm(clip).validateEvery(validateEvery)
                .patience(patience).seed(seed);
    }
}
