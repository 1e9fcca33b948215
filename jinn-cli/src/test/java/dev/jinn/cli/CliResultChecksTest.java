package dev.jinn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No silent wrong result: non-finite scores, samples and round trips are errors with a count, conditions outside
 * the training range are warned about, category values are shown unambiguously, and the CSV forms that must
 * work (byte-order mark, CRLF, quoted fields spanning lines) do.
 */
class CliResultChecksTest {
    @TempDir
    static Path dir;
    private static Path model;

    @BeforeAll
    static void trainATinyModel() {
        model = TinyModel.train(dir);
    }

    private static String[] tinyTrain(Path data, Path out, String... more) {
        List<String> a = new java.util.ArrayList<>(List.of("train", "--data", data.toString(), "--blocks", "1",
                "--hidden", "8", "--steps", "3", "--out", out.toString(), "--progress", "none"));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    @Test
    void aRowTheModelCannotScoreIsAnErrorNotAMeanOfNaN() throws IOException {
        Path data = Files.writeString(dir.resolve("far.csv"), "x,y\n0.5,0.2\n1e300,0\n0,0\n");
        Path out = Files.writeString(dir.resolve("far-scores.csv"), "previous\n");
        CliRunner r = CliRunner.run("score", "--model", model.toString(), "--data", data.toString(), "--out",
                out.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("jinn score: error: " + data + ": 1 of 3 rows have a non-finite log-likelihood"
                + " (the first, line 3: NaN); the model is numerically unstable there (far outside its training"
                + " data?); nothing was written to " + out + System.lineSeparator());
        assertThat(r.out()).doesNotContain("mean");
        assertThat(Files.readString(out)).isEqualTo("previous\n");

        CliRunner inv = CliRunner.run("invert", "--model", model.toString(), "--data", data.toString());
        assertThat(inv.code()).isEqualTo(1);
        assertThat(inv.err()).contains(data + ": 1 of 3 rows have a non-finite round trip (the first, line 3: NaN)");
        assertThat(inv.out()).doesNotContain("reconstruction error");
    }

    @Test
    void samplesThatOverflowAreAnError() throws IOException {
        // A vanishing global scale: the inverse divides by it, so every sample overflows.
        Path broken = ModelVariants.with(model, dir.resolve("overflow.safetensors"), m -> {
            m.put("module_list.0.global_scale", Tensors.of(new float[] {-1e4f, -1e4f}, 1, 2));
            return m;
        });
        Path out = dir.resolve("overflow.csv");
        CliRunner r = CliRunner.run("sample", "--model", broken.toString(), "-n", "5", "--out", out.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).startsWith("jinn sample: error: " + broken + ": 5 of 5 samples have a non-finite value"
                + " (the first, sample 1: ").contains("nothing was written to " + out);
        assertThat(out).doesNotExist();
        CliRunner fine = CliRunner.run("sample", "--model", model.toString(), "-n", "5", "--out", out.toString());
        assertThat(fine.code()).as(fine.err()).isZero();
        assertThat(Files.readAllLines(out)).hasSize(6);
    }

    @Test
    void aNumericConditionOutsideTheTrainingRangeIsWarnedAbout() throws IOException {
        StringBuilder sb = new StringBuilder("a,b,t\n");
        for (int i = 0; i < 40; i++) {
            sb.append(i % 4).append(',').append(i % 3).append(',').append(i % 5 * 0.25).append('\n');
        }
        Path data = Files.writeString(dir.resolve("t.csv"), sb);
        Path m = dir.resolve("t.safetensors");
        CliRunner t = CliRunner.run(tinyTrain(data, m, "--condition-column", "t"));
        assertThat(t.code()).as(t.err()).isZero();
        CliRunner info = CliRunner.run("info", "--model", m.toString());
        assertThat(info.out()).contains("condition:    't', numeric (trained on [0.0, 1.0]) -> 1 values");

        CliRunner inside = CliRunner.run("sample", "--model", m.toString(), "-n", "3", "--condition", "0.5", "--out",
                dir.resolve("in.csv").toString());
        assertThat(inside.code()).as(inside.err()).isZero();
        assertThat(inside.err()).isEmpty();
        CliRunner outside = CliRunner.run("sample", "--model", m.toString(), "-n", "3", "--condition", "7", "--out",
                dir.resolve("out.csv").toString());
        assertThat(outside.code()).isZero();
        assertThat(outside.err()).isEqualTo("warning: --condition 7 is outside the range of 't' the model was trained"
                + " on, [0.0, 1.0]; its samples are extrapolation" + System.lineSeparator());

        Path rows = Files.writeString(dir.resolve("t-new.csv"), "t,a,b\n0.5,1,1\n-3,1,1\n9,2,2\n");
        CliRunner score = CliRunner.run("score", "--model", m.toString(), "--data", rows.toString(), "--out",
                dir.resolve("t-scores.csv").toString());
        assertThat(score.code()).as(score.err()).isZero();
        assertThat(score.err()).isEqualTo("warning: " + rows + ": 2 of 3 rows have a condition 't' outside the range"
                + " the model was trained on, [0.0, 1.0] (the first, line 3: -3); their results are extrapolation"
                + System.lineSeparator());
    }

    @Test
    void csvFilesWithAByteOrderMarkCrlfAndQuotedLineBreaksTrainAndInfoQuotesTheirCategories() throws IOException {
        StringBuilder sb = new StringBuilder("\uFEFF\"x\",y,kind\r\n");
        String[] kinds = {"\"b,c\"", "\"it's\"", "\"two\r\nlines\"", "\"say \"\"hi\"\"\""};
        for (int i = 0; i < 40; i++) {
            sb.append(i % 6).append(',').append(i % 7 * 0.5).append(',').append(kinds[i % 4]).append("\r\n");
        }
        Path data = Files.writeString(dir.resolve("kinds.csv"), sb);
        Path m = dir.resolve("kinds.safetensors");
        CliRunner t = CliRunner.run(tinyTrain(data, m, "--condition-column", "kind"));
        assertThat(t.code()).as(t.err()).isZero();
        CliRunner info = CliRunner.run("info", "--model", m.toString());
        assertThat(info.code()).isZero();
        assertThat(info.out()).contains("data columns: x, y")
                .contains("condition:    'kind', categorical {'b,c', 'it\\'s', 'say \"hi\"', 'two\\r\\nlines'}");
        CliRunner s = CliRunner.run("sample", "--model", m.toString(), "-n", "1", "--condition", "b,c", "--out",
                dir.resolve("kinds-s.csv").toString());
        assertThat(s.code()).as(s.err()).isZero();
        assertThat(Files.readAllLines(dir.resolve("kinds-s.csv")).get(1)).endsWith(",\"b,c\"");
    }
}
