package dev.jinn.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** What a run left in a directory: temporary and lock files must not survive a run. */
final class TestDirs {
    private TestDirs() {
    }

    /** The hidden temporary ({@code .NAME.XXXXXXXXXXXX.tmp}) and lock ({@code .NAME.lock}) files in a directory. */
    static List<String> leftovers(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith(".") && (n.endsWith(".tmp") || n.endsWith(".lock"))).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The temporary files of one output. */
    static List<String> temporaries(Path dir, String output) {
        return leftovers(dir).stream().filter(n -> n.startsWith("." + output + ".") && n.endsWith(".tmp")).toList();
    }
}
