package dev.jinn.cli;

import dev.jinn.check.Require;
import dev.jinn.model.Architecture;
import dev.jinn.model.ModelConfig;
import dev.jinn.cli.data.TrainingData;
import dev.jinn.train.TrainSettings;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code jinn train}: fits a flow to a data set and saves it as a model file. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a normalizing flow by maximum likelihood and save it as a model file.",
            "Data: a 2-D set (moons, circles, 8gaussians, checkerboard, pinwheel, 2spirals, rings, swissroll), the"
                + " bundled 'digits' (class-conditional) or a CSV file with a header row."},
        footer = {"", "Examples:", "  jinn train --data moons --steps 2000 --out moons.safetensors --plots plots/",
            "  jinn train --data measurements.csv --condition-column site --arch glow --blocks 6 --hidden 128",
            "  jinn train --data table.csv --arch nsf --blocks 5 --hidden 256 --bins 8 --batch 256",
            "  jinn train --data moons --steps 5000 --resume jinn-out/model.ckpt.safetensors"})
final class TrainCommand extends JinnCommand {
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
            description = "allinone, glow, rnvp, nice, iresnet (couplings and residual blocks), maf, iaf or nsf"
                    + " (autoregressive: affine MAF and IAF, rational-quadratic spline NSF) (default: ${DEFAULT-VALUE}).")
    private Architecture arch;
    @Option(names = "--blocks", paramLabel = "N", defaultValue = "8",
            description = "Blocks (autoregressive transforms for maf, iaf, nsf) (default: ${DEFAULT-VALUE}).")
    private int blocks;
    @Option(names = "--hidden", paramLabel = "H", defaultValue = "512",
            description = "Hidden width of the subnets (MADE's two hidden layers for maf, iaf, nsf)"
                    + " (default: ${DEFAULT-VALUE}).")
    private int hidden;
    @Option(names = "--bins", paramLabel = "K", description = "Spline bins of --arch nsf (default: 8).")
    private Integer bins;
    @Option(names = "--memory-saving", description = "Train with memory-saving backprop: the blocks rebuild "
            + "their inputs by inversion instead of keeping activations, so memory does not grow with --blocks "
            + "(about one more forward pass per step).")
    private boolean memorySaving;
    @Mixin
    private TrainingOptions training;
    @Option(names = "--out", paramLabel = "FILE", defaultValue = "jinn-out/model.safetensors",
            description = "The model file to write (default: ${DEFAULT-VALUE}).")
    private Path out;
    @Option(names = "--checkpoint", paramLabel = "FILE",
            description = "Checkpoint file (default: the model file's name with .ckpt.safetensors).")
    private Path checkpoint;
    @Option(names = "--resume", paramLabel = "CHECKPOINT", description = "Continue a run from its checkpoint.")
    private Path resume;
    @Option(names = "--plots", paramLabel = "DIR", description = "Also write loss.png and samples/density or digit plots here.")
    private Path plots;
    @Mixin
    private ProgressOption progress;

    @Override
    int run(PrintWriter o, PrintWriter err) throws Exception {
        TrainSettings.Builder settings = training.settings();
        Require.atLeast(1, blocks, "--blocks");
        Require.atLeast(1, hidden, "--hidden");
        if (bins != null) {
            if (!arch.binned()) {
                throw new IllegalArgumentException("--bins applies to --arch nsf only, not " + arch.id());
            }
            Require.atLeast(1, bins, "--bins");
        }
        if (noise != null) {
            OptionChecks.nonNegative("--noise", noise);
        }
        Path ckpt = checkpoint != null ? checkpoint : defaultCheckpoint(out);
        TrainRun.Settings s = new TrainRun.Settings(
                new TrainingData.Options(data, conditionColumn, conditionType, noise == null ? Double.NaN : noise,
                        training.seed()),
                new ModelChoice(arch, blocks, hidden, bins == null ? ModelConfig.DEFAULT_BINS : bins, memorySaving),
                settings.checkpoint(ckpt, training.checkpointEvery()).build(), out, resume, plots, progress.mode());
        TrainRun.Summary r = TrainRun.run(s, o, err);
        report(o, r);
        return 0;
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
