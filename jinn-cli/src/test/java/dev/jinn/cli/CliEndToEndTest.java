package dev.jinn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jinn.io.SafeTensors;
import dev.jinn.io.SafeTensorsFile;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every command run in-process on tiny budgets, as a user would chain them. */
class CliEndToEndTest {
    @TempDir
    Path dir;

    private String p(String name) {
        return dir.resolve(name).toString();
    }

    private static void assertPng(Path file, int minWidth, int minHeight) throws IOException {
        BufferedImage img = ImageIO.read(file.toFile());
        assertThat(img).as(file.toString()).isNotNull();
        assertThat(img.getWidth()).isGreaterThanOrEqualTo(minWidth);
        assertThat(img.getHeight()).isGreaterThanOrEqualTo(minHeight);
    }

    @Test
    void demoWritesTheModelAndThreePlots() throws IOException {
        CliRunner r = CliRunner.run("demo", "--steps", "20", "--out-dir", p("demo"), "--progress", "plain");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("training allinone, 8 blocks, hidden 512, 2 dims on moons")
                .contains("step 20/20").contains("held-out NLL:");
        for (String f : List.of("samples.png", "density.png", "loss.png")) {
            assertPng(dir.resolve("demo").resolve(f), 400, 300);
        }
        assertThat(dir.resolve("demo/model.safetensors")).exists();
    }

    @Test
    void trainSampleScoreInvertInfoOnMoons() throws IOException {
        String model = p("moons.safetensors");
        CliRunner t = CliRunner.run("train", "--data", "moons", "--blocks", "6", "--hidden", "128", "--steps", "800",
                "--batch", "100", "--lr", "2e-3", "--seed", "3", "--out", model, "--progress", "none");
        assertThat(t.code()).as(t.err()).isZero();
        double nll = PrintedNumber.after(t.out(), "held-out NLL:");
        // The best Gaussian fit of the moons (noise 0.05) has an NLL of about 1.88 nats; a flow that has
        // bent its density around the two arcs is far below it (this budget gave 0.75-1.01 over seeds 3-6; FrEIA's
        // full quick start reaches 0.4-0.7).
        assertThat(nll).isLessThan(1.2);
        assertThat(Path.of(model)).exists();
        assertThat(dir.resolve("moons.ckpt.safetensors")).exists();

        CliRunner s = CliRunner.run("sample", "--model", model, "-n", "300", "--seed", "9", "--out", p("s.csv"));
        assertThat(s.code()).as(s.err()).isZero();
        List<String> lines = Files.readAllLines(dir.resolve("s.csv"));
        assertThat(lines).hasSize(301);
        assertThat(lines.get(0)).isEqualTo("x,y");
        // Samples of a trained model lie mostly inside the moons' bounding box [-1.2, 2.2] x [-0.7, 1.2].
        long inside = lines.stream().skip(1).map(l -> l.split(",")).filter(v -> {
            double x = Double.parseDouble(v[0]);
            double y = Double.parseDouble(v[1]);
            return x > -1.2 && x < 2.2 && y > -0.7 && y < 1.2;
        }).count();
        assertThat(inside).isGreaterThan(270);

        CliRunner sc = CliRunner.run("score", "--model", model, "--data", p("s.csv"), "--out", p("scores.csv"),
                "--batch", "64");
        assertThat(sc.code()).as(sc.err()).isZero();
        List<String> scores = Files.readAllLines(dir.resolve("scores.csv"));
        assertThat(scores).hasSize(301);
        assertThat(scores.get(0)).isEqualTo("line,log_likelihood");
        assertThat(scores.get(1)).startsWith("2,");
        // The model's own samples are typical for it: their mean log-likelihood is close to minus its entropy,
        // so close to minus the held-out NLL.
        double mean = PrintedNumber.after(sc.out(), "mean log-likelihood");
        assertThat(Math.abs(mean + nll)).isLessThan(0.5);

        Files.writeString(dir.resolve("odd.csv"), "y,x,extra\n0.5,0.0,a\n40,40,b\n");
        CliRunner odd = CliRunner.run("score", "--model", model, "--data", p("odd.csv"), "--out", p("odd-scores.csv"));
        assertThat(odd.code()).isZero();
        List<String> oddLines = Files.readAllLines(dir.resolve("odd-scores.csv"));
        double typical = Double.parseDouble(oddLines.get(1).split(",")[1]);
        double outlier = Double.parseDouble(oddLines.get(2).split(",")[1]);
        assertThat(outlier).isLessThan(typical - 10);
        assertThat(odd.out()).contains("lowest").contains("(line 3)");

        CliRunner inv = CliRunner.run("invert", "--model", model, "--data", p("s.csv"));
        assertThat(inv.code()).as(inv.err()).isZero();
        assertThat(PrintedNumber.after(inv.out(), "max reconstruction error:")).isLessThan(1e-4);

        CliRunner info = CliRunner.run("info", "--model", model);
        assertThat(info.code()).isZero();
        assertThat(info.out()).contains("allinone, 6 blocks, hidden 128, 2 dims").contains("AllInOneBlock")
                .contains("data                   moons").contains("steps                  800")
                .contains("seed                   3").contains("jinn_version").contains("heldout_nll");

        CliRunner png = CliRunner.run("sample", "--model", model, "-n", "200", "--out", p("s.png"));
        assertThat(png.code()).isZero();
        assertPng(dir.resolve("s.png"), 300, 300);
    }

    @Test
    void anIResNetTrainsAndInvertsThroughItsFixedPointIteration() throws IOException {
        String model = p("ires.safetensors");
        CliRunner t = CliRunner.run("train", "--data", "circles", "--arch", "iresnet", "--blocks", "2", "--hidden",
                "16", "--steps", "60", "--lr", "3e-3", "--out", model, "--progress", "none");
        assertThat(t.code()).as(t.err()).isZero();
        CliRunner s = CliRunner.run("sample", "--model", model, "-n", "100", "--out", p("ires.csv"));
        assertThat(s.code()).as(s.err()).isZero();
        CliRunner inv = CliRunner.run("invert", "--model", model, "--data", p("ires.csv"));
        assertThat(inv.code()).as(inv.err()).isZero();
        assertThat(PrintedNumber.after(inv.out(), "max reconstruction error:")).isLessThan(1e-4);
        CliRunner cond = CliRunner.run("train", "--data", "digits", "--arch", "iresnet", "--out", p("x.safetensors"));
        assertThat(cond.code()).isEqualTo(2);
        assertThat(cond.err()).contains("iresnet architecture takes no condition");
    }

    @Test
    void aCsvFileWithACategoricalCondition() throws IOException {
        TwoBlobs.write(dir);
        String model = p("blobs.safetensors");
        CliRunner t = CliRunner.run("train", "--data", p("blobs.csv"), "--condition-column", "side", "--arch", "glow",
                "--blocks", "3", "--hidden", "32", "--steps", "300", "--lr", "5e-3", "--out", model, "--progress",
                "none");
        assertThat(t.code()).as(t.err()).isZero();

        CliRunner s = CliRunner.run("sample", "--model", model, "-n", "200", "--condition", "right", "--out",
                p("right.csv"));
        assertThat(s.code()).as(s.err()).isZero();
        List<String> rows = Files.readAllLines(dir.resolve("right.csv"));
        assertThat(rows.get(0)).isEqualTo("a,b,side");
        double meanA = rows.stream().skip(1).mapToDouble(l -> Double.parseDouble(l.split(",")[0])).average()
                .orElseThrow();
        assertThat(meanA).isGreaterThan(1.0); // in data units, near +2

        CliRunner both = CliRunner.run("sample", "--model", model, "-n", "5", "--out", p("both.csv"));
        assertThat(both.code()).isZero();
        assertThat(Files.readAllLines(dir.resolve("both.csv"))).hasSize(11).anyMatch(l -> l.endsWith(",left"));

        CliRunner typo = CliRunner.run("sample", "--model", model, "-n", "5", "--condition", "up", "--out",
                p("x.csv"));
        assertThat(typo.code()).isEqualTo(2);
        assertThat(typo.err()).contains("'up' is not a known category").contains("left, right");

        Files.writeString(dir.resolve("new.csv"), "side,b,a\nleft,0,-2\nup,1,2\n");
        CliRunner bad = CliRunner.run("score", "--model", model, "--data", p("new.csv"), "--out", p("sc.csv"));
        assertThat(bad.code()).isEqualTo(1);
        assertThat(bad.err()).contains("new.csv:3:1 (column 'side'): 'up' is not a known category");

        Files.writeString(dir.resolve("nocond.csv"), "a,b\n1,2\n");
        CliRunner missing = CliRunner.run("score", "--model", model, "--data", p("nocond.csv"), "--out", p("sc.csv"));
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err()).contains("no condition column 'side'");

        Files.writeString(dir.resolve("broken.csv"), "a,b,side\n1,2,left\n1,oops,right\n");
        CliRunner broken = CliRunner.run("train", "--data", p("broken.csv"), "--condition-column", "side",
                "--out", p("m2.safetensors"));
        assertThat(broken.code()).isEqualTo(1);
        assertThat(broken.err()).isEqualTo("jinn train: error: " + p("broken.csv")
                + ":3:2 (column 'b'): 'oops' is not a number" + System.lineSeparator());
    }

    @Test
    void digitsSampleAsAGridWithOneRowPerClass() throws IOException {
        String model = p("digits.safetensors");
        CliRunner t = CliRunner.run("train", "--data", "digits", "--blocks", "2", "--hidden", "32", "--steps", "20",
                "--batch", "64", "--out", model, "--progress", "none");
        assertThat(t.code()).as(t.err()).isZero();
        assertThat(t.out()).contains("bits per dimension");
        CliRunner s = CliRunner.run("sample", "--model", model, "-n", "6", "--out", p("grid.png"));
        assertThat(s.code()).as(s.err()).isZero();
        BufferedImage grid = ImageIO.read(dir.resolve("grid.png").toFile());
        assertThat(grid.getHeight()).isGreaterThan(10 * 8 * 5).isLessThan(11 * 8 * 7);
        CliRunner one = CliRunner.run("sample", "--model", model, "-n", "6", "--condition", "7", "--temperature",
                "0.7", "--out", p("sevens.png"));
        assertThat(one.code()).isZero();
        assertThat(ImageIO.read(dir.resolve("sevens.png").toFile()).getHeight()).isLessThan(8 * 8);
        CliRunner csv = CliRunner.run("sample", "--model", model, "-n", "3", "--condition", "7", "--out", p("d.csv"));
        assertThat(csv.code()).isZero();
        List<String> rows = Files.readAllLines(dir.resolve("d.csv"));
        assertThat(rows.get(0)).startsWith("p00,p01").endsWith(",label");
        assertThat(rows.get(1).split(",")).hasSize(65);
        assertThat(rows.get(1)).endsWith(",7").doesNotContain(".");
    }

    @Test
    void resumingExtendsARunExactlyAsOneLongerRun() throws IOException {
        String[] common = {"train", "--data", "moons", "--blocks", "2", "--hidden", "16", "--batch", "32", "--seed", "5",
            "--validate-every", "10", "--progress", "none"};
        CliRunner whole = CliRunner.run(concat(common, "--steps", "40", "--out", p("whole.safetensors")));
        assertThat(whole.code()).as(whole.err()).isZero();
        CliRunner first = CliRunner.run(concat(common, "--steps", "20", "--out", p("part.safetensors")));
        assertThat(first.code()).as(first.err()).isZero();
        CliRunner rest = CliRunner.run(concat(common, "--steps", "40", "--out", p("resumed.safetensors"), "--resume",
                p("part.ckpt.safetensors")));
        assertThat(rest.code()).as(rest.err()).isZero();
        SafeTensorsFile a = SafeTensors.read(dir.resolve("whole.safetensors"));
        SafeTensorsFile b = SafeTensors.read(dir.resolve("resumed.safetensors"));
        for (Map.Entry<String, dev.jinn.tensor.Tensor> e : a.tensors().entrySet()) {
            assertThat(b.tensor(e.getKey()).toFloatArray()).as(e.getKey()).isEqualTo(e.getValue().toFloatArray());
        }
        assertThat(b.metadata().get("jinn.provenance.steps")).isEqualTo("40");

        CliRunner wrong = CliRunner.run("train", "--data", "moons", "--blocks", "2", "--hidden", "17", "--seed", "5",
                "--steps", "40", "--out", p("w.safetensors"), "--resume", p("part.ckpt.safetensors"));
        assertThat(wrong.code()).isEqualTo(2);
        assertThat(wrong.err()).contains("hidden 16").contains("hidden 17");
    }

    @Test
    void memorySavingTrainsTheSameModelUpToRounding() throws IOException {
        String[] common = {"train", "--data", "moons", "--blocks", "4", "--hidden", "32", "--batch", "64", "--seed", "3",
            "--steps", "30", "--progress", "none"};
        CliRunner plain = CliRunner.run(concat(common, "--out", p("plain.safetensors")));
        assertThat(plain.code()).as(plain.err()).isZero();
        CliRunner saving = CliRunner.run(concat(common, "--memory-saving", "--out", p("saving.safetensors")));
        assertThat(saving.code()).as(saving.err()).isZero();
        assertThat(saving.out()).contains("memory-saving");
        SafeTensorsFile a = SafeTensors.read(dir.resolve("plain.safetensors"));
        SafeTensorsFile b = SafeTensors.read(dir.resolve("saving.safetensors"));
        assertThat(b.metadata()).containsEntry("jinn.provenance.memory_saving", "true");
        assertThat(a.metadata()).containsEntry("jinn.provenance.memory_saving", "false");
        // float32: the recomputed activations differ from the stored ones in the last bits, nothing more.
        for (Map.Entry<String, dev.jinn.tensor.Tensor> e : a.tensors().entrySet()) {
            float[] x = e.getValue().toFloatArray();
            float[] y = b.tensor(e.getKey()).toFloatArray();
            for (int i = 0; i < x.length; i++) {
                assertThat(y[i]).as(e.getKey()).isCloseTo(x[i], org.assertj.core.api.Assertions.within(1e-3f));
            }
        }
    }

    @Test
    void aTableWithNoMoreRowsThanColumnsTrainsWithAWarning() throws IOException {
        Files.writeString(dir.resolve("wide.csv"), "a,b,c,d\n1,2,3,4\n2,1,4,3\n0,5,1,2\n");
        CliRunner r = CliRunner.run("train", "--data", p("wide.csv"), "--blocks", "2", "--hidden", "8", "--steps", "3",
                "--progress", "none", "--out", p("wide.safetensors"));
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).isEqualTo("warning: " + p("wide.csv") + " has 3 training rows for 4 columns (with the"
                + " condition's); a flow needs many more rows than columns, so expect it to fit the rows, not a density"
                + System.lineSeparator());
        CliRunner enough = CliRunner.run("train", "--data", "moons", "--blocks", "2", "--hidden", "8", "--steps", "3",
                "--progress", "none", "--out", p("moons.safetensors"));
        assertThat(enough.err()).doesNotContain("warning");
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
