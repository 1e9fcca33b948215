package dev.jinn.cli;

import dev.jinn.io.SafeTensors;
import dev.jinn.io.TorchFiles;
import dev.jinn.tensor.Tensor;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code jinn convert IN OUT}: weights from a PyTorch file to safetensors or back. The input's kind is told by
 * its content (a {@code torch.save} file is read without running its pickle), the output's by its extension;
 * an output that is the input is refused before anything is read.
 */
@Command(name = "convert", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Convert weights between PyTorch (.pt, .pth; read without running the pickle) and safetensors"
                + " (.safetensors), printing every tensor's key, shape and dtype. float16 and bfloat16 become"
                + " float32, the smaller integer types int64.",
        footer = {"", "Examples:", "  jinn convert freia_model.pt model.safetensors",
            "  jinn convert checkpoint.pth weights.safetensors --prefix model_state_dict.",
            "  jinn convert model.safetensors model.pt"})
final class ConvertCommand extends JinnCommand {
    @Parameters(index = "0", paramLabel = "IN", description = "The file to read (.pt, .pth or .safetensors).")
    private Path in;

    @Parameters(index = "1", paramLabel = "OUT", description = "The file to write: .safetensors, .pt or .pth.")
    private Path out;

    @Option(names = "--prefix", paramLabel = "KEY",
            description = "Take only the tensors under KEY (e.g. model. in a checkpoint dict), KEY removed from"
                    + " their names. Default: every tensor, nested keys joined with '.'.")
    private String prefix;

    @Override
    int run(PrintWriter o, PrintWriter err) throws Exception {
        boolean toTorch = hasExtension(out, ".pt", ".pth");
        if (!toTorch && !hasExtension(out, ".safetensors")) {
            throw new IllegalArgumentException("OUT must end in .safetensors, .pt or .pth: " + out);
        }
        if (Files.exists(out) && Files.exists(in) && Files.isSameFile(in, out)) {
            throw new IllegalArgumentException("OUT is the same file as IN (" + in.toRealPath() + ")");
        }
        Map<String, Tensor> tensors = prefix == null && TorchFiles.isTorchFile(in) ? TorchFiles.read(in).tensors()
                : TorchFiles.readStateDict(in, prefix);
        if (toTorch) {
            TorchFiles.write(out, tensors);
        } else {
            SafeTensors.write(out, tensors);
        }
        TensorListing.print(o, tensors);
        o.println("wrote " + out);
        o.flush();
        return 0;
    }

    private static boolean hasExtension(Path p, String... extensions) {
        String name = p.getFileName() == null ? "" : p.getFileName().toString().toLowerCase(Locale.ROOT);
        for (String e : extensions) {
            if (name.endsWith(e)) {
                return true;
            }
        }
        return false;
    }
}
