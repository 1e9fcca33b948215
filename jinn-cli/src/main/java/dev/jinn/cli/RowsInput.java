package dev.jinn.cli;

import dev.jinn.check.Require;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * What {@code score} and {@code invert} read: a model file and CSV rows in its units, streamed in batches.
 */
final class RowsInput {
    @Mixin
    private ModelOption model;
    @Option(names = "--data", required = true, paramLabel = "FILE.csv",
            description = "The rows: a CSV file with a header row and the model's columns.")
    private Path data;
    @Option(names = "--batch", paramLabel = "B", defaultValue = "1024",
            description = "Rows per batch (default: ${DEFAULT-VALUE}).")
    private int batch;

    /** Picocli creates and fills the options. */
    RowsInput() {
    }

    /** The model file as given. */
    Path model() {
        return model.path();
    }

    /** The CSV file as given. */
    Path data() {
        return data;
    }

    /** The batch size, checked. */
    int batch() {
        Require.atLeast(1, batch, "--batch");
        return batch;
    }

    /**
     * Loads the model and opens the rows.
     *
     * @return the model and a stream of batches in its units
     * @throws IOException when either file cannot be read
     */
    ModelRows open() throws IOException {
        return ModelRows.open(model(), data, batch());
    }
}
