package dev.jinn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jinn.io.SafeTensors;
import dev.jinn.io.TorchFiles;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jinn convert} between PyTorch files and safetensors, and {@code jinn info} on a PyTorch file. */
class ConvertCommandTest {
    @TempDir
    Path dir;

    private static Map<String, Tensor> checkpoint() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("model.0.weight", Tensors.of(new double[] {1, -2, 3.5, 4, 5, 6}, 2, 3));
        m.put("model.0.bias", Tensors.of(new float[] {0.25f, -0.75f}));
        m.put("model.perm", Tensors.of(new long[] {2, 0, 1}));
        m.put("optimizer.state.0.exp_avg", Tensors.zeros(2, 3));
        return m;
    }

    private static void assertSameTensors(Map<String, Tensor> actual, Map<String, Tensor> expected) {
        assertThat(actual.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
        expected.forEach((k, t) -> {
            assertThat(actual.get(k).dtype()).as(k).isEqualTo(t.dtype());
            assertThat(actual.get(k).shape()).as(k).containsExactly(t.shape());
            assertThat(actual.get(k).toDoubleArray()).as(k).containsExactly(t.toDoubleArray());
        });
    }

    @Test
    void torchToSafetensorsAndBackKeepsEveryTensorAndPrintsThem() throws IOException {
        Path pt = dir.resolve("ckpt.pth");
        TorchFiles.write(pt, checkpoint());
        Path st = dir.resolve("ckpt.safetensors");
        CliRunner r = CliRunner.run("convert", pt.toString(), st.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("model.0.weight", "[2, 3]", "float64", "model.perm", "int64", "4 tensors")
                .contains("wrote " + st);
        assertSameTensors(SafeTensors.read(st).tensors(), checkpoint());

        Path back = dir.resolve("back.pt");
        assertThat(CliRunner.run("convert", st.toString(), back.toString()).code()).isZero();
        assertSameTensors(TorchFiles.read(back).tensors(), checkpoint());
    }

    @Test
    void prefixTakesTheSubDict() throws IOException {
        Path pt = dir.resolve("ckpt.pt");
        TorchFiles.write(pt, checkpoint());
        Path st = dir.resolve("model.safetensors");
        CliRunner r = CliRunner.run("convert", pt.toString(), st.toString(), "--prefix", "model.");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(SafeTensors.read(st).tensors().keySet()).containsExactlyInAnyOrder("0.weight", "0.bias", "perm");
        CliRunner none = CliRunner.run("convert", pt.toString(), dir.resolve("x.safetensors").toString(),
                "--prefix", "encoder");
        assertThat(none.code()).isEqualTo(1);
        assertThat(none.err()).contains("no tensor under the prefix 'encoder.'");
    }

    @Test
    void theInputIsNeverTheOutput() throws IOException {
        Path pt = dir.resolve("w.pt");
        TorchFiles.write(pt, checkpoint());
        byte[] before = Files.readAllBytes(pt);
        Path link = Files.createSymbolicLink(dir.resolve("link.pt"), pt);
        for (Path out : new Path[] {pt, link, dir.resolve("sub/../w.pt")}) {
            Files.createDirectories(dir.resolve("sub"));
            CliRunner r = CliRunner.run("convert", pt.toString(), out.toString());
            assertThat(r.code()).as(out.toString()).isEqualTo(2);
            assertThat(r.err()).contains("OUT is the same file as IN");
        }
        assertThat(Files.readAllBytes(pt)).isEqualTo(before);
        CliRunner bad = CliRunner.run("convert", pt.toString(), dir.resolve("w.npz").toString());
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("OUT must end in .safetensors, .pt or .pth");
    }

    @Test
    void aHostilePickleIsRefusedAndNothingIsWritten() throws IOException {
        Path evil = dir.resolve("evil.pt");
        byte[] pkl = "\u0080\u0002cposix\nsystem\nX\u0004\u0000\u0000\u0000echo\u0085R.".getBytes(StandardCharsets.ISO_8859_1);
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(evil))) {
            ZipEntry e = new ZipEntry("archive/data.pkl");
            e.setMethod(ZipEntry.STORED);
            e.setSize(pkl.length);
            CRC32 crc = new CRC32();
            crc.update(pkl);
            e.setCrc(crc.getValue());
            z.putNextEntry(e);
            z.write(pkl);
            z.closeEntry();
        }
        Path out = dir.resolve("out.safetensors");
        CliRunner r = CliRunner.run("convert", evil.toString(), out.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("refused global posix.system");
        assertThat(out).doesNotExist();
    }

    @Test
    void infoListsTheTensorsOfAPyTorchFile() throws IOException {
        Path pt = dir.resolve("ckpt.pt");
        TorchFiles.write(pt, checkpoint());
        CliRunner r = CliRunner.run("info", "--model", pt.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("PyTorch file: " + pt, "optimizer.state.0.exp_avg", "[2, 3]", "float32",
                "4 tensors, 17 values");
    }
}
