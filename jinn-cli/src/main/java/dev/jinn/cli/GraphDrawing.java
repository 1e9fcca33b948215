package dev.jinn.cli;

import dev.jinn.io.AtomicOutput;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Writes a flow's Graphviz DOT text for {@code jinn info --graph}: a {@code .dot} or {@code .gv} file as it is,
 * an {@code .svg} or {@code .png} rendered by Graphviz's {@code dot} program (found on the PATH, or the program
 * the system property {@code jinn.dot} names). Every file is written atomically: a failed rendering leaves the
 * target as it was.
 */
final class GraphDrawing {
    /** The system property naming the {@code dot} program to use instead of the one on the PATH. */
    static final String PROGRAM_PROPERTY = "jinn.dot";

    private GraphDrawing() {
    }

    /**
     * Writes the drawing.
     *
     * @param target the file; its extension picks the format
     * @param dot    the DOT text
     * @throws IOException when the format is unknown, {@code dot} is missing or fails, or writing fails
     */
    static void write(Path target, String dot) throws IOException {
        String format = format(target);
        byte[] text = dot.getBytes(StandardCharsets.UTF_8);
        if (format.equals("dot")) {
            try (AtomicOutput out = AtomicOutput.open(target)) {
                writeAll(out, text);
                out.commit();
            }
            return;
        }
        Path program = program(target);
        Process p = new ProcessBuilder(program.toString(), "-T" + format).start();
        try (AtomicOutput out = AtomicOutput.open(target)) {
            ByteArrayOutputStream errors = new ByteArrayOutputStream();
            Thread feeder = new Thread(() -> {
                try (OutputStream in = p.getOutputStream()) {
                    in.write(text);
                } catch (IOException ignored) {
                    // dot exited early; its exit status and messages say why.
                }
            }, "jinn-dot-input");
            feeder.start();
            Thread drain = new Thread(() -> copy(p.getErrorStream(), errors), "jinn-dot-errors");
            drain.start();
            byte[] buffer = new byte[1 << 16];
            try (InputStream rendered = p.getInputStream()) {
                for (int n = rendered.read(buffer); n >= 0; n = rendered.read(buffer)) {
                    out.channel().write(ByteBuffer.wrap(buffer, 0, n));
                }
            }
            int status = p.waitFor();
            feeder.join();
            drain.join();
            if (status != 0) {
                throw new IOException("--graph " + target + ": " + program + " -T" + format + " failed (exit status "
                        + status + "): " + errors.toString(StandardCharsets.UTF_8).strip());
            }
            out.commit();
        } catch (InterruptedException e) {
            p.destroy();
            Thread.currentThread().interrupt();
            throw new IOException("--graph " + target + ": interrupted while " + program + " was rendering", e);
        }
    }

    /** {@code dot}, {@code svg} or {@code png}, from the file name. */
    static String format(Path target) throws IOException {
        String name = target.getFileName() == null ? "" : target.getFileName().toString().toLowerCase(Locale.ROOT);
        String ext = name.contains(".") ? name.substring(name.lastIndexOf('.') + 1) : "";
        switch (ext) {
            case "dot":
            case "gv":
                return "dot";
            case "svg":
            case "png":
                return ext;
            default:
                throw new IOException("--graph " + target + ": unknown format \"" + ext + "\"; name a .dot, .svg or"
                        + " .png file");
        }
    }

    /** The {@code dot} program to run, or an error saying how to get one. */
    private static Path program(Path target) throws IOException {
        String named = System.getProperty(PROGRAM_PROPERTY);
        if (named != null) {
            Path p = Path.of(named);
            if (Files.isExecutable(p)) {
                return p;
            }
        } else {
            String path = System.getenv("PATH");
            for (String dir : path == null ? new String[0] : path.split(File.pathSeparator)) {
                for (String name : new String[] {"dot", "dot.exe"}) {
                    Path p = Path.of(dir.isEmpty() ? "." : dir, name);
                    if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                        return p;
                    }
                }
            }
        }
        throw new IOException("--graph " + target + ": rendering a ." + format(target) + " file needs Graphviz's dot"
                + " program, which was not found" + (named != null ? " at " + named : " on the PATH") + "; install"
                + " Graphviz (e.g. apt-get install graphviz, brew install graphviz) or write a .dot file instead"
                + " (--graph FILE.dot) and render it elsewhere");
    }

    private static void writeAll(AtomicOutput out, byte[] bytes) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        while (buf.hasRemaining()) {
            out.channel().write(buf);
        }
    }

    private static void copy(InputStream in, ByteArrayOutputStream sink) {
        try (in) {
            in.transferTo(sink);
        } catch (IOException ignored) {
            // Only dot's messages are lost; its exit status still reports the failure.
        }
    }
}
