package dev.jinn.spark;

import dev.jinn.cli.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.SparkSession;

/**
 * What the Spark tests share: one local session for the whole suite (two task threads, up to three attempts per
 * task so that an injected failure is retried, no UI, nothing bound beyond the loopback interface), and the
 * command line run in-process, the reference every scorer and trainer result is checked against.
 */
final class SparkTests {
    private static SparkSession session;
    private static Path dir;

    private SparkTests() {
    }

    /** The suite's session (made on first use, stopped when the JVM exits). */
    static synchronized SparkSession spark() {
        if (session == null) {
            session = SparkSession.builder().master("local[2,3]").appName("jinn-spark-tests")
                    .config("spark.ui.enabled", "false")
                    .config("spark.driver.host", "127.0.0.1")
                    .config("spark.driver.bindAddress", "127.0.0.1")
                    .config("spark.sql.shuffle.partitions", "2")
                    .config("spark.default.parallelism", "2")
                    .config("spark.sql.warehouse.dir", tempDir().resolve("warehouse").toString())
                    .getOrCreate();
            Runtime.getRuntime().addShutdownHook(new Thread(session::stop));
        }
        return session;
    }

    /** A directory for the suite's files (deleted by the OS's temp cleaning, not by the tests). */
    static synchronized Path tempDir() {
        if (dir == null) {
            try {
                dir = Files.createTempDirectory("jinn-spark-tests");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return dir;
    }

    /**
     * Runs {@code jinn} with arguments and returns what it printed.
     *
     * @throws AssertionError with its output when it exits non-zero
     */
    static String jinn(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int rc = Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        if (rc != 0) {
            throw new AssertionError("jinn " + String.join(" ", args) + " exited " + rc + ":\n" + out + err);
        }
        return out.toString();
    }

    /** Writes rows (and optional condition values) as a CSV file with a header. */
    static Path csv(String name, List<String> header, List<double[]> rows, List<String> conditions) {
        Path f = tempDir().resolve(name);
        List<String> lines = new ArrayList<>();
        lines.add(String.join(",", header));
        for (int i = 0; i < rows.size(); i++) {
            StringBuilder sb = new StringBuilder();
            for (double v : rows.get(i)) {
                sb.append(sb.length() == 0 ? "" : ",").append(Double.toString(v));
            }
            if (conditions != null) {
                sb.append(',').append(conditions.get(i));
            }
            lines.add(sb.toString());
        }
        try {
            Files.write(f, lines);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return f;
    }

    /** The log-likelihoods {@code jinn score} writes for a CSV file, by data row (0-based). */
    static double[] jinnScore(Path model, Path data, int batch) {
        Path out = tempDir().resolve("scores-" + System.nanoTime() + ".csv");
        jinn("score", "--model", model.toString(), "--data", data.toString(), "--out", out.toString(), "--batch",
                Integer.toString(batch));
        try {
            List<String> lines = Files.readAllLines(out);
            double[] ll = new double[lines.size() - 1];
            for (int i = 1; i < lines.size(); i++) {
                String[] f = lines.get(i).split(",");
                // "line" counts the header as line 1, so data row k is on line k + 2.
                ll[Integer.parseInt(f[0]) - 2] = Double.parseDouble(f[1]);
            }
            return ll;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Trains a small model with {@code jinn train} (60 steps unless {@code extra} says otherwise: the tests need a
     * fitted, not a good, model).
     */
    static Path jinnTrain(String name, Path data, String... extra) {
        Path out = tempDir().resolve(name + ".safetensors");
        List<String> args = new ArrayList<>(List.of("train", "--data", data.toString(), "--arch", "glow", "--blocks",
                "2", "--hidden", "16", "--batch", "50", "--progress", "none", "--checkpoint-every", "0", "--out",
                out.toString()));
        args.addAll(List.of(extra));
        if (!args.contains("--steps")) {
            args.addAll(List.of("--steps", "60"));
        }
        jinn(args.toArray(String[]::new));
        return out;
    }

    /** {@code n} rows of a correlated 3-D Gaussian with distinct scales and offsets. */
    static List<double[]> gaussianRows(int n, long seed) {
        java.util.Random r = new java.util.Random(seed);
        List<double[]> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double a = r.nextGaussian();
            double b = r.nextGaussian();
            double c = r.nextGaussian();
            rows.add(new double[] {10 + 2 * a, -3 + a * 0.5 + 0.2 * b, 100 * c + 5 * a});
        }
        return rows;
    }

    /** Formats for messages. */
    static String fmt(double v) {
        return String.format(Locale.ROOT, "%.6g", v);
    }
}
