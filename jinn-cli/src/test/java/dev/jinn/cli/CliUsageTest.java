package dev.jinn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jinn.io.SafeTensors;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The command line's behaviour that needs no trained model: help, usage errors and unusable model files. */
class CliUsageTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"demo", "train", "sample", "score", "invert", "info"})
    void everyCommandHasHelp(String command) {
        CliRunner r = CliRunner.run(command, "--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("Usage: jinn " + command).contains("--help");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void topLevelHelpListsTheCommandsAndVersionWorks() {
        CliRunner r = CliRunner.run("--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("demo", "train", "sample", "score", "invert", "info");
        CliRunner v = CliRunner.run("--version");
        assertThat(v.code()).isZero();
        assertThat(v.out()).startsWith("jinn ");
        // The CLI ships this platform's OpenBLAS (jinn-native), and it loads.
        assertThat(v.out()).contains("BLAS openblas");
    }

    @Test
    void usageErrorsExitWithTwoAndNoStackTrace() {
        CliRunner none = CliRunner.run();
        assertThat(none.code()).isEqualTo(2);
        assertThat(none.err()).contains("missing command");

        CliRunner unknown = CliRunner.run("fly");
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).contains("fly");

        CliRunner option = CliRunner.run("train", "--data", "moons", "--bogus");
        assertThat(option.code()).isEqualTo(2);
        assertThat(option.err()).contains("--bogus").contains("jinn train --help");

        CliRunner required = CliRunner.run("train");
        assertThat(required.code()).isEqualTo(2);
        assertThat(required.err()).contains("--data");

        CliRunner arch = CliRunner.run("train", "--data", "moons", "--arch", "resnet");
        assertThat(arch.code()).isEqualTo(2);
        assertThat(arch.err()).contains("unknown architecture 'resnet'").contains("glow");

        CliRunner number = CliRunner.run("train", "--data", "moons", "--steps", "many");
        assertThat(number.code()).isEqualTo(2);
        assertThat(number.err()).contains("many");

        CliRunner data = CliRunner.run("train", "--data", "bananas", "--out", dir.resolve("m.safetensors").toString());
        assertThat(data.code()).isEqualTo(2);
        assertThat(data.err()).contains("unknown data set 'bananas'").contains("moons").doesNotContain("\tat ");

        CliRunner ext = CliRunner.run("sample", "--model", "m.safetensors", "--out", "x.txt");
        assertThat(ext.code()).isEqualTo(2);
        assertThat(ext.err()).contains(".csv or .png");

        CliRunner temp = CliRunner.run("sample", "--model", "m.safetensors", "--temperature", "0", "--out", "x.csv");
        assertThat(temp.code()).isEqualTo(2);
        assertThat(temp.err()).contains("--temperature must be in (0, 10]");

        for (CliRunner r : new CliRunner[] {none, unknown, option, required, arch, number, data, ext, temp}) {
            assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ");
        }
    }

    @Test
    void aMissingModelFileIsOneClearError() {
        CliRunner r = CliRunner.run("info", "--model", dir.resolve("nope.safetensors").toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("jinn info: error: no such model file: " + dir.resolve("nope.safetensors")
                + System.lineSeparator());
    }

    @Test
    void aCorruptModelFileIsOneClearError() throws Exception {
        Path bad = dir.resolve("bad.safetensors");
        Files.write(bad, new byte[] {1, 2, 3});
        CliRunner r = CliRunner.run("sample", "--model", bad.toString(), "--out", dir.resolve("s.csv").toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).startsWith("jinn sample: error: cannot read the model file " + bad).doesNotContain("\tat ");
        assertThat(r.err().lines().count()).isEqualTo(1);
        assertThat(dir.resolve("s.csv")).doesNotExist();
    }

    @Test
    void aSafetensorsFileThatIsNotAModelIsRejected() throws Exception {
        Path other = dir.resolve("other.safetensors");
        SafeTensors.write(other, Map.of("w", Tensors.zeros(2, 2)), Map.of("format", "pt"));
        CliRunner r = CliRunner.run("info", "--model", other.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("not a jinn model");

        Path future = dir.resolve("future.safetensors");
        SafeTensors.write(future, Map.of("w", Tensors.zeros(2)), Map.of("jinn.format", "jinn-model",
                "jinn.format_version", "99"));
        CliRunner f = CliRunner.run("info", "--model", future.toString());
        assertThat(f.code()).isEqualTo(1);
        assertThat(f.err()).contains("format version 99");

        Path broken = dir.resolve("broken.safetensors");
        SafeTensors.write(broken, Map.of("w", Tensors.zeros(2)), Map.of("jinn.format", "jinn-model",
                "jinn.format_version", "1", "jinn.model.arch", "glow"));
        CliRunner b = CliRunner.run("info", "--model", broken.toString());
        assertThat(b.code()).isEqualTo(1);
        assertThat(b.err()).contains("not a usable jinn model").contains("jinn.model.blocks is missing");
    }

    @Test
    void verboseAddsTheStackTrace() throws Exception {
        Path bad = dir.resolve("bad.safetensors");
        Files.write(bad, new byte[] {1, 2, 3});
        CliRunner r = CliRunner.run("info", "--verbose", "--model", bad.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("\tat ");
    }
}
