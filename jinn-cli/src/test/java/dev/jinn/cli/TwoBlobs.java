package dev.jinn.cli;

import dev.jinn.tensor.Rng;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** A CSV of two labelled blobs for conditional CLI tests: class 'left' around (-2, 0), 'right' around (+2, 1). */
final class TwoBlobs {
    private TwoBlobs() {
    }

    /**
     * Writes 400 rows (columns a, b, side; the classes alternate) to {@code blobs.csv} in a directory.
     *
     * @param dir the directory
     * @return the file
     * @throws IOException when it cannot be written
     */
    static Path write(Path dir) throws IOException {
        StringBuilder sb = new StringBuilder("a,b,side\n");
        Rng rng = new Rng(4);
        for (int i = 0; i < 400; i++) {
            boolean right = i % 2 == 0;
            sb.append(String.format(Locale.ROOT, "%.5f,%.5f,%s%n", (right ? 2 : -2) + 0.3 * rng.nextGaussian(),
                    (right ? 1 : 0) + 0.3 * rng.nextGaussian(), right ? "right" : "left"));
        }
        return Files.writeString(dir.resolve("blobs.csv"), sb);
    }
}
