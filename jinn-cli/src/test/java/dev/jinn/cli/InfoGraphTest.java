package dev.jinn.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jinn.io.TorchFiles;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jinn info --graph}: DOT text always, images through Graphviz's dot, refusals that say what to do. */
class InfoGraphTest {
    @TempDir
    static Path shared;
    private static Path model;

    @TempDir
    Path dir;

    @BeforeAll
    static void trainATinyModel() {
        model = TinyModel.train(shared);
    }

    @AfterEach
    void forgetTheProgram() {
        System.clearProperty(GraphDrawing.PROGRAM_PROPERTY);
    }

    @Test
    void dotTextIsWrittenBesideTheUsualDescription() throws IOException {
        Path out = dir.resolve("sub/flow.dot");
        CliRunner r = CliRunner.run("info", "--model", model.toString(), "--graph", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("nodes:").contains("graph:        wrote " + out);
        String dot = Files.readString(out);
        assertThat(dot).startsWith("digraph SequenceINN {").contains("in [shape=ellipse, label=\"in\\ninput\\n(2,)\"]")
                .contains("m0 [label=\"0\\nAllInOneBlock\\n(2,) → (2,)\"]").contains("in -> m0")
                .contains("m0 -> out").endsWith("}\n");
        assertThat(TestDirs.leftovers(dir.resolve("sub"))).isEmpty();
    }

    @Test
    void imagesNeedDotAndSayHowToGetIt() {
        System.setProperty(GraphDrawing.PROGRAM_PROPERTY, dir.resolve("no-such-dot").toString());
        Path out = dir.resolve("flow.svg");
        CliRunner r = CliRunner.run("info", "--model", model.toString(), "--graph", out.toString());
        assertThat(r.code()).isNotZero();
        assertThat(r.err()).contains("--graph " + out + ": rendering a .svg file needs Graphviz's dot program, which"
                + " was not found at " + dir.resolve("no-such-dot") + "; install Graphviz (e.g. apt-get install"
                + " graphviz, brew install graphviz) or write a .dot file instead (--graph FILE.dot)");
        assertThat(out).doesNotExist();
    }

    @Test
    void imagesAreRenderedByDotFromTheDotText() throws IOException {
        Path fake = script("fake-dot", "echo \"<rendered $1>\"; cat");
        System.setProperty(GraphDrawing.PROGRAM_PROPERTY, fake.toString());
        Path out = dir.resolve("flow.png");
        CliRunner r = CliRunner.run("info", "--model", model.toString(), "--graph", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(Files.readString(out)).startsWith("<rendered -Tpng>\ndigraph SequenceINN {");
    }

    @Test
    void aFailedRenderingLeavesTheTargetAsItWas() throws IOException {
        Path failing = script("bad-dot", "cat > /dev/null; echo 'syntax error in line 1' >&2; exit 3");
        System.setProperty(GraphDrawing.PROGRAM_PROPERTY, failing.toString());
        Path out = dir.resolve("flow.svg");
        Files.writeString(out, "old");
        CliRunner r = CliRunner.run("info", "--model", model.toString(), "--graph", out.toString());
        assertThat(r.code()).isNotZero();
        assertThat(r.err()).contains("--graph " + out + ": " + failing + " -Tsvg failed (exit status 3): syntax error"
                + " in line 1");
        assertThat(Files.readString(out)).isEqualTo("old");
        assertThat(TestDirs.leftovers(dir)).isEmpty();
    }

    @Test
    void theModelItselfAndUnknownFormatsAreRefused() throws IOException {
        // A model file whose name looks like a drawing: writing the drawing would destroy the model.
        Path odd = Files.copy(model, dir.resolve("model.dot"));
        CliRunner same = CliRunner.run("info", "--model", odd.toString(), "--graph", odd.toString());
        assertThat(same.code()).isNotZero();
        assertThat(same.err()).contains("--graph " + odd + " is the same file as --model " + odd);
        assertThat(odd).hasSameBinaryContentAs(model);
        Path txt = dir.resolve("flow.txt");
        CliRunner unknown = CliRunner.run("info", "--model", model.toString(), "--graph", txt.toString());
        assertThat(unknown.code()).isNotZero();
        assertThat(unknown.err()).contains("--graph " + txt + ": unknown format \"txt\"; name a .dot, .svg or .png file");
    }

    @Test
    void aPyTorchFileHasNoGraphToDraw() throws IOException {
        Path pt = dir.resolve("w.pt");
        TorchFiles.write(pt, Map.of("weight", Tensors.zeros(2, 3)));
        Path out = dir.resolve("w.dot");
        CliRunner r = CliRunner.run("info", "--model", pt.toString(), "--graph", out.toString());
        assertThat(r.code()).isNotZero();
        assertThat(r.err()).contains("--graph " + out + ": " + pt + " is a PyTorch file, which holds weights but no"
                + " architecture to draw; give a jinn model file");
        assertThat(out).doesNotExist();
    }

    private Path script(String name, String body) throws IOException {
        assumeTrue(Files.isExecutable(Path.of("/bin/sh")), "needs a POSIX shell");
        Path p = dir.resolve(name);
        Files.writeString(p, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
        return p;
    }
}
