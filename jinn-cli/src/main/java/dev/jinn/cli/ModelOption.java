package dev.jinn.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --model} option of the commands that use a trained model file. */
final class ModelOption {
    @Option(names = "--model", required = true, paramLabel = "FILE", description = "The model file.")
    private Path model;

    /** Picocli creates and fills the option. */
    ModelOption() {
    }

    /** The model file as given. */
    Path path() {
        return model;
    }
}
