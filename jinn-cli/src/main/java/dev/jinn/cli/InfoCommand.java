package dev.jinn.cli;

import dev.jinn.model.ModelFile;
import dev.jinn.model.ConditionEncoding;
import dev.jinn.model.DataTransform;
import dev.jinn.cli.data.Quoted;
import dev.jinn.flow.InvertibleModule;
import dev.jinn.flow.SequenceINN;
import dev.jinn.io.TorchFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code jinn info}: what a model file holds. */
@Command(name = "info", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Describe a model file: architecture (nodes, shapes, parameters), data transform and training"
                + " provenance (data, seed, steps, NLL, jinn version, date); for a PyTorch .pt/.pth file, its tensors.",
        footer = {"", "Examples:", "  jinn info --model jinn-out/demo/model.safetensors",
            "  jinn info --model jinn-out/demo/model.safetensors --graph jinn-out/demo/model.svg"})
final class InfoCommand extends JinnCommand {
    @Mixin
    private ModelOption model;

    @Option(names = "--graph", paramLabel = "FILE.dot|.svg|.png", description = "Also draw the flow: Graphviz DOT"
            + " text (.dot), or an image rendered by Graphviz's dot program (.svg, .png).")
    private Path graph;

    @Override
    int run(PrintWriter o, PrintWriter err) throws Exception {
        Path file = model.path();
        if (Files.isRegularFile(file) && TorchFiles.isTorchFile(file)) {
            // A torch.save file holds weights only (no architecture): list its tensors.
            if (graph != null) {
                throw new IOException("--graph " + graph + ": " + file + " is a PyTorch file, which holds weights but"
                        + " no architecture to draw; give a jinn model file");
            }
            o.println("PyTorch file: " + file);
            TensorListing.print(o, TorchFiles.read(file).tensors());
            o.flush();
            return 0;
        }
        if (graph != null) {
            GraphDrawing.format(graph); // an unknown format fails before the model is read
        }
        ModelFile m = ModelFile.load(file);
        SequenceINN inn = m.model();
        if (graph != null) {
            try (OutputClaim claim = OutputClaim.claim(List.of(new OutputClaim.Named("--model", file)),
                    List.of(new OutputClaim.Named("--graph", graph)))) {
                GraphDrawing.write(graph, inn.toDot());
            }
        }
        o.println("model file:   " + model.path());
        o.println("format:       " + ModelFile.FORMAT + " version " + ModelFile.VERSION);
        o.println("architecture: " + m.config().describe() + ", seed " + m.config().seed());
        o.printf(Locale.ROOT, "parameters:   %,d%n", inn.parameterCount());
        DataTransform t = m.transform();
        o.println("data columns: " + String.join(", ", t.columns()) + (t.dequantizeLevels() > 0
                ? " (integers 0.." + (t.dequantizeLevels() - 1) + ", dequantised)" : ""));
        if (t.condition().kind() != ConditionEncoding.Kind.NONE) {
            ConditionEncoding c = t.condition();
            String values = c.kind() == ConditionEncoding.Kind.CATEGORICAL ? " {" + Quoted.all(c.categories()) + "}"
                    : " (trained on " + c.trainingRange() + ")";
            o.println("condition:    " + Quoted.of(c.column()) + ", " + c.kind().id() + values + " -> " + c.dims()
                    + " values");
        }
        o.println();
        o.println("nodes:");
        o.printf(Locale.ROOT, "  %3s  %-28s %-18s %-18s %12s%n", "#", "module", "input", "output", "parameters");
        int k = 0;
        for (InvertibleModule mod : inn) {
            o.printf(Locale.ROOT, "  %3d  %-28s %-18s %-18s %,12d%s%n", k, mod.getClass().getSimpleName(),
                    mod.dimsIn().get(0), mod.dimsOut().get(0), mod.parameterCount(),
                    inn.conditionIndex(k) >= 0 ? "  (conditioned)" : "");
            k++;
        }
        o.println();
        o.println("provenance:");
        if (m.provenance().isEmpty()) {
            o.println("  (none recorded)");
        }
        for (Map.Entry<String, String> e : m.provenance().entrySet()) {
            o.printf(Locale.ROOT, "  %-22s %s%n", e.getKey(), e.getValue());
        }
        if (graph != null) {
            o.println();
            o.println("graph:        wrote " + graph);
        }
        o.flush();
        return 0;
    }
}
