package dev.jinn.cli.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes the small text files the data tests read. */
final class TestFiles {
    private TestFiles() {
    }

    static Path write(Path dir, String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }
}
