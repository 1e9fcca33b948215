package dev.jinn.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jinn.tensor.DType;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link TorchFiles#write} gives files that jinn's reader and (where Debian's {@code python3-torch} is installed)
 * {@code torch.load(weights_only=True)} read back exactly, written atomically.
 */
class TorchFilesWriteTest {
    private static final String PYTHON = "/usr/bin/python3";

    @TempDir
    Path dir;

    /** One tensor of each jinn dtype, with a view, a 0-d, an empty tensor and a parameter among them. */
    private static Map<String, Tensor> tensors() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("weight", Tensors.of(new float[] {1.5f, -2f, 3.25f, 0f, 1e-30f, -7f}, 2, 3).requiresGrad(true));
        m.put("bias", Tensors.of(new float[] {0.5f, -0.5f}));
        m.put("f64.transposed", Tensors.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3).t());
        m.put("steps", Tensors.of(new long[] {Long.MIN_VALUE + 1}, 1).reshape());
        m.put("mask", Tensors.of(new boolean[] {true, false, true}));
        m.put("empty", Tensors.zeros(0, 3));
        m.put("ünïcode key", Tensors.of(new long[] {1, 2, 3}));
        return m;
    }

    @Test
    void roundTripThroughJinnsReaderKeepsKeysOrderDtypesShapesAndValues() throws IOException {
        Path file = dir.resolve("sd.pt");
        Map<String, Tensor> in = tensors();
        TorchFiles.write(file, in);
        TorchFile back = TorchFiles.read(file);
        assertThat(back.tensors().keySet()).containsExactlyElementsOf(in.keySet());
        for (Map.Entry<String, Tensor> e : in.entrySet()) {
            Tensor t = back.tensor(e.getKey());
            assertThat(t.dtype()).as(e.getKey()).isEqualTo(e.getValue().dtype());
            assertThat(t.shape()).as(e.getKey()).containsExactly(e.getValue().shape());
            assertThat(t.toDoubleArray()).as(e.getKey()).containsExactly(e.getValue().toDoubleArray());
        }
        assertThat(back.tensor("steps").dim()).isZero();
        assertThat(back.tensor("steps").toLongArray()).containsExactly(Long.MIN_VALUE + 1);
        assertThat(back.root()).isInstanceOf(Map.class);
    }

    @Test
    void recordsAreStoredAlignedAndTheBytesAreReproducible() throws IOException {
        Path a = dir.resolve("a.pt");
        Path b = dir.resolve("b.pt");
        TorchFiles.write(a, tensors());
        TorchFiles.write(b, tensors());
        assertThat(Files.readAllBytes(a)).isEqualTo(Files.readAllBytes(b));
        try (FileChannel ch = FileChannel.open(a, StandardOpenOption.READ)) {
            Map<String, ZipDirectory.Entry> entries = ZipDirectory.read(a, ch);
            assertThat(entries.keySet()).startsWith("archive/data.pkl", "archive/byteorder", "archive/data/0")
                    .endsWith("archive/version").hasSize(3 + tensors().size());
            for (ZipDirectory.Entry e : entries.values()) {
                assertThat(e.offset() % 64).as(e.name()).isZero();
            }
        }
        // java.util.zip agrees that the archive and every CRC are valid.
        try (var zip = new java.util.zip.ZipFile(a.toFile())) {
            for (var it = zip.entries().asIterator(); it.hasNext(); ) {
                var entry = it.next();
                var crc = new java.util.zip.CRC32();
                crc.update(zip.getInputStream(entry).readAllBytes());
                assertThat(crc.getValue()).as(entry.getName()).isEqualTo(entry.getCrc());
            }
        }
    }

    @Test
    void writesAreAtomic() throws IOException {
        Path file = dir.resolve("model.pt");
        TorchFiles.write(file, Map.of("a", Tensors.of(new float[] {1})));
        TorchFiles.write(file, Map.of("b", Tensors.of(new float[] {2})));
        assertThat(TorchFiles.read(file).tensors().keySet()).containsExactly("b");
        assertThatThrownBy(() -> TorchFiles.write(dir.resolve("missing/model.pt"), tensors()))
                .isInstanceOf(IOException.class);
        assertThatThrownBy(() -> TorchFiles.write(dir, tensors())).hasMessageContaining("it is a directory");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly("model.pt");
        }
    }

    @Test
    void torchLoadWithWeightsOnlyReadsWhatJinnWrote() throws Exception {
        assumeTrue(torchAvailable(), "PyTorch (" + PYTHON + " -c 'import torch') is not installed");
        Path file = dir.resolve("sd.pt");
        Map<String, Tensor> in = tensors();
        TorchFiles.write(file, in);
        String script = String.join("\n",
                "import sys, torch",
                "sd = torch.load(sys.argv[1], weights_only=True)",
                "assert type(sd).__name__ == 'OrderedDict', type(sd)",
                "for k, t in sd.items():",
                "    vals = ' '.join(repr(float(v)) for v in t.double().flatten().tolist())",
                "    print(k + '|' + str(t.dtype) + '|' + 'x'.join(map(str, t.shape)) + '|' + vals)",
                "lin = torch.nn.Linear(3, 2)",
                "lin.load_state_dict({'weight': sd['weight'], 'bias': sd['bias']})",
                "print('linear|' + repr(float(lin(torch.ones(1, 3)).sum())))");
        List<String> lines = python(script, file.toString());
        assertThat(lines).hasSize(in.size() + 1);
        int i = 0;
        for (Map.Entry<String, Tensor> e : in.entrySet()) {
            String[] f = lines.get(i++).split("\\|", -1);
            assertThat(f[0]).isEqualTo(e.getKey());
            assertThat(f[1]).isEqualTo(torchName(e.getValue().dtype()));
            assertThat(f[2]).isEqualTo(String.join("x",
                    java.util.Arrays.stream(e.getValue().shape()).mapToObj(Integer::toString).toList()));
            double[] values = f[3].isEmpty() ? new double[0]
                    : java.util.Arrays.stream(f[3].split(" ")).mapToDouble(Double::parseDouble).toArray();
            assertThat(values).as(e.getKey()).containsExactly(e.getValue().toDoubleArray());
        }
        // weight·1 + bias, summed: (1.5 - 2 + 3.25 + 0.5) + (0 + 1e-30 - 7 - 0.5), in float32 as torch does.
        assertThat(Double.parseDouble(lines.get(i).split("\\|")[1])).isCloseTo(-4.25, org.assertj.core.data.Offset.offset(1e-6));
    }

    private static String torchName(DType dtype) {
        switch (dtype) {
            case FLOAT32: return "torch.float32";
            case FLOAT64: return "torch.float64";
            case INT64: return "torch.int64";
            default: return "torch.bool";
        }
    }

    static boolean torchAvailable() {
        try {
            Process p = new ProcessBuilder(PYTHON, "-c", "import torch").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static List<String> python(String script, String... args) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(List.of(PYTHON, "-c", script));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("python finished").isTrue();
        assertThat(p.exitValue()).as("python failed:\n" + out).isZero();
        return out.lines().toList();
    }
}
