package dev.jinn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The table of bad inputs a new user tried: each row is one command line that must fail with exit code 1 (error)
 * or 2 (usage), one line on standard error that names the file or option and says what was expected, and no
 * output file left behind.
 */
class CliBadInputTest {
    @TempDir
    static Path dir;
    private static Path model;
    private static Path good;

    /**
     * A row of the table.
     *
     * @param name     what is wrong
     * @param args     the command line
     * @param code     the exit code
     * @param expected the part of the message that names the file or option and the problem
     * @param output   the output file that must not exist afterwards, or null
     */
    record Case(String name, List<String> args, int code, String expected, Path output) {
        @Override
        public String toString() {
            return name;
        }
    }

    @BeforeAll
    static void trainATinyModel() throws IOException {
        model = TinyModel.train(dir);
        good = text("good.csv", "x,y\n0.5,0.2\n1,0\n");
    }

    private static Path text(String name, String content) {
        return bytes(name, content.getBytes(StandardCharsets.UTF_8));
    }

    private static Path bytes(String name, byte[] content) {
        try {
            return Files.write(dir.resolve(name), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The tiny model with its tensors changed and its metadata kept. */
    private static Path modelWith(String name, UnaryOperator<Map<String, Tensor>> change) {
        return ModelVariants.with(model, dir.resolve(name), change);
    }

    private static final String WEIGHT = "module_list.0.subnet.0.weight";

    private static Case train(String name, Path data, String expected) {
        Path out = dir.resolve(name.replaceAll("[^a-z0-9]+", "-") + ".safetensors");
        return new Case(name, List.of("train", "--data", data.toString(), "--blocks", "1", "--hidden", "8", "--steps",
                "2", "--out", out.toString(), "--progress", "none"), 1, data + expected, out);
    }

    private static Case score(String name, Path modelFile, String expected) {
        Path out = dir.resolve(name.replaceAll("[^a-z0-9]+", "-") + ".csv");
        return new Case(name, List.of("score", "--model", modelFile.toString(), "--data", good.toString(), "--out",
                out.toString()), 1, expected, out);
    }

    private static Case usage(String name, String expected, String... args) {
        return new Case(name, List.of(args), 2, expected, null);
    }

    static List<Case> table() throws IOException {
        List<Case> t = new ArrayList<>();
        // CSV data files
        t.add(train("empty file", text("empty.csv", ""), ": the file is empty (expected a header line of column names)"));
        t.add(train("header only", text("header.csv", "x,y\n"), ": the file has a header but no data rows"));
        t.add(train("non-numeric value", text("text.csv", "x,y\n1,2\n3,abc\n"), ":3:2 (column 'y'): 'abc' is not a number"));
        t.add(train("ragged row", text("ragged.csv", "x,y\n1,2\n3,4,5\n"),
                ":3:3: the row has 3 fields, but the header has 2 columns"));
        t.add(train("NaN", text("nan.csv", "x,y\nNaN,2\n"), ":2:1 (column 'x'): 'NaN' is not a finite number"));
        t.add(train("infinity", text("inf.csv", "x,y\n1,-Infinity\n"), ":2:2 (column 'y'): '-Infinity' is not a finite number"));
        t.add(train("hexadecimal float", text("hex.csv", "x,y\n0x1p3,1\n"), ":2:1 (column 'x'): '0x1p3' is not a number"));
        t.add(train("type suffix", text("suffix.csv", "x,y\n1f,2d\n"), ":2:1 (column 'x'): '1f' is not a number"));
        t.add(train("number beyond double", text("big.csv", "x,y\n1e999,2\n"), ":2:1 (column 'x'): '1e999' is too large"));
        t.add(train("space before a quote", text("spaceq.csv", "x,y\n1, \"2\"\n"),
                ":2:2 (column 'y'): a quote inside an unquoted field"));
        t.add(train("text after a closing quote", text("afterq.csv", "x,y\n1,\"2\"x\n"),
                ":2:2: unexpected character after closing quote: 'x'"));
        t.add(train("quote never closed", text("openq.csv", "x,y\n1,2\n3,\"4\n5,6\n"), ":3:2: a quoted field is not closed"));
        t.add(train("not UTF-8", bytes("latin1.csv", new byte[] {'x', ',', 'y', '\n', '1', ',', (byte) 0xE9, '\n'}),
                ":2:2 (column 'y'): the file is not UTF-8 text"));
        Files.createDirectories(dir.resolve("dir.csv"));
        t.add(train("directory as data", dir.resolve("dir.csv"), ": is a directory, not a data file"));
        Case missing = train("missing data file", dir.resolve("none.csv"), "");
        t.add(new Case(missing.name(), missing.args(), 1, "no such data file: " + dir.resolve("none.csv"),
                missing.output()));
        // Model files
        byte[] real = Files.readAllBytes(model);
        t.add(score("truncated model", bytes("trunc.safetensors", java.util.Arrays.copyOf(real, real.length / 2)),
                "cannot read the model file " + dir.resolve("trunc.safetensors")));
        byte[] noise = new byte[4096];
        new java.util.Random(3).nextBytes(noise);
        t.add(score("random bytes as model", bytes("random.safetensors", noise),
                "cannot read the model file " + dir.resolve("random.safetensors")));
        ByteBuffer huge = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 40).put((byte) '{')
                .put((byte) '}');
        t.add(score("huge header", bytes("huge.safetensors", huge.array()), "header length 1099511627776 exceeds the"
                + " limit"));
        t.add(score("missing tensor", modelWith("missing.safetensors", m -> {
            m.remove(WEIGHT);
            return m;
        }), "the weights do not fit the architecture it describes"));
        t.add(score("wrong shape", modelWith("shape.safetensors", m -> {
            m.put(WEIGHT, m.get(WEIGHT).reshape(1, 8));
            return m;
        }), WEIGHT + ": expected [8, 1], got [1, 8]"));
        t.add(score("NaN weight", modelWith("nanw.safetensors", m -> {
            float[] v = m.get(WEIGHT).toFloatArray();
            v[3] = Float.NaN;
            m.put(WEIGHT, Tensors.of(v, 8, 1));
            return m;
        }), dir.resolve("nanw.safetensors") + ": the tensor '" + WEIGHT + "' [8, 1] holds NaN at index 3"));
        t.add(score("infinite statistic", modelWith("infstd.safetensors", m -> {
            m.put("jinn.data.std", Tensors.of(new double[] {1, Double.POSITIVE_INFINITY}));
            return m;
        }), "the tensor 'jinn.data.std' [2] holds Infinity at index 1"));
        t.add(score("checkpoint as model", dir.resolve("m.ckpt.safetensors"), "is a safetensors file but not a jinn"
                + " model"));
        Files.createDirectories(dir.resolve("dir.safetensors"));
        t.add(score("directory as model", dir.resolve("dir.safetensors"), "cannot read the model file "
                + dir.resolve("dir.safetensors") + ": it is a directory"));
        t.add(score("missing model", dir.resolve("none.safetensors"), "no such model file: "
                + dir.resolve("none.safetensors")));
        // Outputs
        t.add(new Case("output is a directory", List.of("score", "--model", model.toString(), "--data",
                good.toString(), "--out", dir.toString()), 1, "--out " + dir + ": is a directory; give a file name",
                null));
        t.add(new Case("output under a file", List.of("score", "--model", model.toString(), "--data",
                good.toString(), "--out", good.resolve("s.csv").toString()), 1, "--out " + good.resolve("s.csv") + ": "
                + good.toRealPath() + " is a file, not a directory", null));
        t.add(new Case("output is the data", List.of("score", "--model", model.toString(), "--data", good.toString(),
                "--out", good.toString()), 1, "--out " + good + " is the same file as --data " + good, null));
        try {
            Path link = Files.createSymbolicLink(dir.resolve("link.csv"), model);
            t.add(new Case("output is a link to the model", List.of("sample", "--model", model.toString(), "--out",
                    link.toString()), 1, "--out " + link + " is the same file as --model " + model, null));
        } catch (UnsupportedOperationException | IOException e) {
            // no symbolic links here (Windows without the privilege): the row cannot be set up
        }
        try {
            Path hard = Files.createLink(dir.resolve("hard.csv"), good);
            t.add(new Case("output is a hard link to the data", List.of("score", "--model", model.toString(), "--data",
                    good.toString(), "--out", hard.toString()), 1, "--out " + hard + " is the same file as --data "
                    + good, null));
        } catch (UnsupportedOperationException | IOException e) {
            // no hard links on this file system
        }
        t.add(new Case("model output is the resumed checkpoint", List.of("train", "--data", "moons", "--blocks", "1",
                "--hidden", "8", "--steps", "9", "--resume", dir.resolve("m.ckpt.safetensors").toString(), "--out",
                dir.resolve("m.ckpt.safetensors").toString()), 1, "--out " + dir.resolve("m.ckpt.safetensors")
                + " is the same file as --resume", null));
        t.add(new Case("checkpoint is the data", List.of("train", "--data", good.toString(), "--steps", "2",
                "--checkpoint", good.toString(), "--out", dir.resolve("c.safetensors").toString()), 1,
                "--checkpoint " + good + " is the same file as --data " + good, dir.resolve("c.safetensors")));
        t.add(new Case("two outputs are one file", List.of("train", "--data", "moons", "--steps", "2", "--checkpoint",
                dir.resolve("o.safetensors").toString(), "--out", dir.resolve("o.safetensors").toString()), 1,
                "are the same file", dir.resolve("o.safetensors")));
        t.add(new Case("missing checkpoint", List.of("train", "--data", "moons", "--steps", "9", "--resume",
                dir.resolve("none.ckpt.safetensors").toString(), "--out", dir.resolve("mc.safetensors").toString()), 1,
                "no such checkpoint file (--resume): " + dir.resolve("none.ckpt.safetensors"),
                dir.resolve("mc.safetensors")));
        t.add(new Case("directory as checkpoint", List.of("train", "--data", "moons", "--steps", "9", "--resume",
                dir.resolve("dir.safetensors").toString(), "--out", dir.resolve("dc.safetensors").toString()), 1,
                "--resume " + dir.resolve("dir.safetensors") + ": is a directory, not a checkpoint file",
                dir.resolve("dc.safetensors")));
        t.add(new Case("model as checkpoint", List.of("train", "--data", "moons", "--steps", "9", "--resume",
                model.toString(), "--out", dir.resolve("mm.safetensors").toString()), 1,
                model + " is not a jinn training checkpoint", dir.resolve("mm.safetensors")));
        t.add(new Case("demo output directory is a file", List.of("demo", "--steps", "2", "--out-dir",
                good.toString()), 1, "--out-dir " + good.resolve("model.safetensors") + ": " + good.toRealPath()
                + " is a file, not a directory", null));
        // Option values
        t.add(usage("zero steps", "--steps must be >= 1, got 0", "train", "--data", "moons", "--steps", "0"));
        t.add(usage("negative learning rate", "--lr must be a positive finite number, got -1.0", "train", "--data",
                "moons", "--lr", "-1"));
        t.add(usage("NaN learning rate", "--lr must be a positive finite number, got NaN", "train", "--data", "moons",
                "--lr", "NaN"));
        t.add(usage("zero validation interval", "--validate-every must be >= 1, got 0", "train", "--data", "moons",
                "--validate-every", "0"));
        t.add(usage("steps not a number", "'many'", "train", "--data", "moons", "--steps", "many"));
        t.add(usage("unknown architecture", "unknown architecture 'resnet'", "train", "--data", "moons", "--arch",
                "resnet"));
        t.add(usage("unknown data set", "unknown data set 'bananas'", "train", "--data", "bananas"));
        t.add(usage("unknown condition type", "--condition-type must be auto, categorical or numeric, got 'weird'",
                "train", "--data", good.toString(), "--condition-column", "y", "--condition-type", "weird", "--out",
                dir.resolve("w.safetensors").toString()));
        t.add(usage("resume below the checkpoint's step", "--steps 3 is below the step the checkpoint "
                + dir.resolve("m.ckpt.safetensors") + " has reached (5)", "train", "--data", "moons", "--blocks", "1",
                "--hidden", "8", "--steps", "3", "--resume", dir.resolve("m.ckpt.safetensors").toString(), "--out",
                dir.resolve("r.safetensors").toString(), "--progress", "none"));
        t.add(usage("zero threads", "--threads must be >= 1, got 0", "info", "--model", model.toString(), "--threads",
                "0"));
        t.add(usage("zero batch", "--batch must be >= 1, got 0", "score", "--model", model.toString(), "--data",
                good.toString(), "--out", dir.resolve("b.csv").toString(), "--batch", "0"));
        t.add(usage("zero samples", "-n must be between 1 and 10000000, got 0", "sample", "--model", model.toString(),
                "-n", "0", "--out", dir.resolve("n.csv").toString()));
        t.add(usage("zero temperature", "--temperature must be in (0, 10], got 0.0", "sample", "--model",
                model.toString(), "--temperature", "0", "--out", dir.resolve("t.csv").toString()));
        t.add(usage("sample file type", "--out must end in .csv or .png", "sample", "--model", model.toString(),
                "--out", dir.resolve("s.txt").toString()));
        t.add(usage("condition for an unconditional model", "the model is unconditional; drop --condition", "sample",
                "--model", model.toString(), "--condition", "a", "--out", dir.resolve("c.csv").toString()));
        return t;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void isOneClearLineAndLeavesNoOutput(Case c) {
        CliRunner r = CliRunner.run(c.args().toArray(String[]::new));
        if (Boolean.getBoolean("jinn.test.table")) { // -Djinn.test.table=true prints the table with its outcomes
            System.out.println("TABLE | " + c.name() + " | " + r.code() + " | " + r.err().strip());
        }
        assertThat(r.code()).as(r.err()).isEqualTo(c.code());
        assertThat(r.err().lines().toList()).as(r.err()).hasSize(1);
        assertThat(r.err()).startsWith("jinn " + c.args().get(0) + ": ").contains(c.expected())
                .doesNotContain("Exception").doesNotContain("\tat ");
        if (c.output() != null) {
            assertThat(c.output()).doesNotExist();
        }
        assertThat(TestDirs.leftovers(dir)).isEmpty();
    }
}
