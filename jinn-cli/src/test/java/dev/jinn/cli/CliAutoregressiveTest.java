package dev.jinn.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code --arch maf|iaf|nsf}: trained, then sampled, scored, inverted and described like every model. */
class CliAutoregressiveTest {
    @TempDir
    Path dir;

    private String p(String name) {
        return dir.resolve(name).toString();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "maf, '', 'maf, 3 blocks, hidden 32, 2 dims', MaskedAffineAutoregressive",
        "iaf, '', 'iaf, 3 blocks, hidden 32, 2 dims', InverseAutoregressiveFlow",
        "nsf, 6, 'nsf, 3 blocks, hidden 32, 6 bins, 2 dims', MaskedRationalQuadraticAutoregressive"})
    void trainsAndEveryCommandWorksOnTheModel(String arch, String bins, String described, String module)
            throws IOException {
        String model = p(arch + ".safetensors");
        List<String> args = new ArrayList<>(List.of("train", "--data", "moons", "--arch", arch, "--blocks",
                "3", "--hidden", "32", "--steps", "300", "--lr", "3e-3", "--seed", "2", "--out", model, "--progress",
                "none"));
        if (!bins.isEmpty()) {
            args.addAll(List.of("--bins", bins));
        }
        CliRunner t = CliRunner.run(args.toArray(String[]::new));
        assertThat(t.code()).as(t.err()).isZero();
        assertThat(t.out()).contains("training " + described + " on moons");
        // The best Gaussian fit of the moons has an NLL of about 1.88 nats: the flow must have learnt more.
        assertThat(PrintedNumber.after(t.out(), "held-out NLL:")).isLessThan(1.6);

        CliRunner s = CliRunner.run("sample", "--model", model, "-n", "200", "--seed", "4", "--out", p("s.csv"));
        assertThat(s.code()).as(s.err()).isZero();
        assertThat(Files.readAllLines(dir.resolve("s.csv"))).hasSize(201);
        CliRunner sc = CliRunner.run("score", "--model", model, "--data", p("s.csv"), "--out", p("scores.csv"));
        assertThat(sc.code()).as(sc.err()).isZero();
        assertThat(PrintedNumber.after(sc.out(), "mean log-likelihood")).isGreaterThan(-1.6);
        CliRunner inv = CliRunner.run("invert", "--model", model, "--data", p("s.csv"));
        assertThat(inv.code()).as(inv.err()).isZero();
        assertThat(PrintedNumber.after(inv.out(), "max reconstruction error:")).isLessThan(1e-4);
        CliRunner info = CliRunner.run("info", "--model", model, "--graph", p("g.dot"));
        assertThat(info.code()).as(info.err()).isZero();
        assertThat(info.out()).contains("architecture: " + described + ", seed 2").contains(module);
        assertThat(Files.readString(dir.resolve("g.dot"))).contains("m2 [label=\"2\\n" + module);
    }

    @Test
    void aConditionalSplineFlowSamplesEachClassWhereItWas() throws IOException {
        TwoBlobs.write(dir);
        String model = p("blobs.safetensors");
        CliRunner t = CliRunner.run("train", "--data", p("blobs.csv"), "--condition-column", "side", "--arch", "nsf",
                "--blocks", "2", "--hidden", "32", "--steps", "200", "--lr", "5e-3", "--out", model, "--progress",
                "none");
        assertThat(t.code()).as(t.err()).isZero();
        for (String side : List.of("left", "right")) {
            CliRunner s = CliRunner.run("sample", "--model", model, "-n", "200", "--condition", side, "--out",
                    p(side + ".csv"));
            assertThat(s.code()).as(s.err()).isZero();
            double meanA = Files.readAllLines(dir.resolve(side + ".csv")).stream().skip(1)
                    .mapToDouble(l -> Double.parseDouble(l.split(",")[0])).average().orElseThrow();
            assertThat(meanA).as(side).isCloseTo(side.equals("right") ? 2 : -2, offset(0.5));
        }
    }

    @Test
    void binsAreForSplinesOnly() {
        CliRunner r = CliRunner.run("train", "--data", "moons", "--arch", "maf", "--bins", "4", "--out", p("x.safetensors"));
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--bins applies to --arch nsf only, not maf");
        CliRunner zero = CliRunner.run("train", "--data", "moons", "--arch", "nsf", "--bins", "0", "--out",
                p("x.safetensors"));
        assertThat(zero.code()).isEqualTo(2);
        assertThat(zero.err()).contains("--bins");
    }
}
