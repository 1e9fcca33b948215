package dev.jinn.cli;

import dev.jinn.cli.data.TrainingData;
import dev.jinn.train.LrSchedule;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code jinn train}: fits a flow to a data set and saves it as a model file. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a normalizing flow by maximum likelihood and save it as a model file.",
            "Data: a 2-D set (moons, circles, 8gaussians, checkerboard, pinwheel, 2spirals, rings, swissroll), the"
                + " bundled 'digits' (class-conditional) or a CSV file with a header row."},
        footer = {"", "Examples:", "  jinn train --data moons --steps 2000 --out moons.safetensors --plots plots/",
            "  jinn train --data measurements.csv --condition-column site --arch glow --blocks 6 --hidden 128",
            "  jinn train --data moons --steps 5000 --resume jinn-out/model.ckpt.safetensors"})
final class TrainCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;
    @Mixin
    private CommonOptions common;

    @Option(names = "--data", required = true, paramLabel = "SET|FILE.csv", description = "The training data.")
    private String data;
    @Option(names = "--condition-column", paramLabel = "NAME",
            description = "CSV column to condition on (categorical: one-hot; numeric: as is).")
    private String conditionColumn;
    @Option(names = "--condition-type", paramLabel = "TYPE", defaultValue = "auto",
            description = "auto, categorical or numeric (default: ${DEFAULT-VALUE}; auto = categorical when any value"
                    + " is not a number).")
    private String conditionType;
    @Option(names = "--noise", paramLabel = "SD", description = "Noise of a 2-D set (default: the set's own).")
    private Double noise;
    @Option(names = "--arch", paramLabel = "ARCH", defaultValue = "allinone", converter = ArchitectureConverter.class,
            description = "allinone, glow, rnvp, nice or iresnet (default: ${DEFAULT-VALUE}).")
    private Architecture arch;
    @Option(names = "--blocks", paramLabel = "N", defaultValue = "8", description = "Blocks (default: ${DEFAULT-VALUE}).")
    private int blocks;
    @Option(names = "--hidden", paramLabel = "H", defaultValue = "512",
            description = "Hidden width of the subnets (default: ${DEFAULT-VALUE}).")
    private int hidden;
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
    @Option(names = "--out", paramLabel = "FILE", defaultValue = "jinn-out/model.safetensors",
            description = "The model file to write (default: ${DEFAULT-VALUE}).")
    private Path out;
    @Option(names = "--checkpoint", paramLabel = "FILE",
            description = "Checkpoint file (default: the model file's name with .ckpt.safetensors).")
    private Path checkpoint;
    @Option(names = "--checkpoint-every", paramLabel = "S", defaultValue = "500",
            description = "Steps between checkpoints; 0 = only at the end (default: ${DEFAULT-VALUE}).")
    private int checkpointEvery;
    @Option(names = "--resume", paramLabel = "CHECKPOINT", description = "Continue a run from its checkpoint.")
    private Path resume;
    @Option(names = "--plots", paramLabel = "DIR", description = "Also write loss.png and samples/density or digit plots here.")
    private Path plots;
    @Option(names = "--progress", paramLabel = "MODE", defaultValue = "auto",
            description = "auto, bar, plain or none (default: ${DEFAULT-VALUE}: a bar on a terminal, lines otherwise).")
    private Progress.Mode progress;

    @Override
    public Integer call() throws Exception {
        PrintWriter o = spec.commandLine().getOut();
        common.applyThreads(spec.commandLine().getErr());
        checkOptions();
        Path ckpt = checkpoint != null ? checkpoint : defaultCheckpoint(out);
        TrainRun.Settings s = new TrainRun.Settings(
                new TrainingData.Options(data, conditionColumn, conditionType, noise == null ? Double.NaN : noise, seed),
                arch, blocks, hidden, steps, batch, lr, weightDecay, schedule, warmup, clip, validateEvery, patience,
                seed, out, ckpt, checkpointEvery, resume, plots, progress);
        TrainRun.Summary r = TrainRun.run(s, o);
        report(o, r);
        return 0;
    }

    private void checkOptions() {
        OptionChecks.atLeast("--steps", steps, 1);
        OptionChecks.atLeast("--batch", batch, 1);
        OptionChecks.positive("--lr", lr);
        OptionChecks.nonNegative("--weight-decay", weightDecay);
        OptionChecks.atLeast("--warmup", warmup, 0);
        OptionChecks.nonNegative("--clip", clip);
        OptionChecks.atLeast("--validate-every", validateEvery, 1);
        OptionChecks.atLeast("--patience", patience, 0);
        OptionChecks.atLeast("--checkpoint-every", checkpointEvery, 0);
        if (noise != null) {
            OptionChecks.nonNegative("--noise", noise);
        }
    }

    static Path defaultCheckpoint(Path model) {
        String name = model.getFileName().toString();
        String base = name.endsWith(".safetensors") ? name.substring(0, name.length() - 12) : name;
        return model.resolveSibling(base + ".ckpt.safetensors");
    }

    static void report(PrintWriter o, TrainRun.Summary r) {
        var res = r.result();
        o.printf(Locale.ROOT, "done: %d steps in %.1f s%s%n", res.steps(), r.seconds(),
                res.stoppedEarly() ? " (stopped early; best held-out value at step " + res.bestStep() + ")" : "");
        o.printf(Locale.ROOT, "final training NLL: %.4f nats per sample%n", r.finalNll());
        if (!Double.isNaN(r.heldOutNll())) {
            o.printf(Locale.ROOT, "held-out NLL: %.4f nats per sample (%.4f bits per dimension)%n", r.heldOutNll(),
                    r.bitsPerDim());
        }
        for (Path p : r.files()) {
            o.println("wrote " + p + (p.getFileName().toString().equals("digits.png")
                    ? " (samples at temperature " + TrainRun.GRID_TEMPERATURE + ")" : ""));
        }
        o.flush();
    }
}
