package dev.jinn.cli;

import picocli.CommandLine.Option;

/** The {@code --progress} option of the commands that train ({@code train}, {@code demo}). */
final class ProgressOption {
    @Option(names = "--progress", paramLabel = "MODE", defaultValue = "auto",
            description = "auto, bar, plain or none (default: ${DEFAULT-VALUE}: a bar on a terminal, lines otherwise).")
    private Progress.Mode mode;

    /** Picocli creates and fills the option. */
    ProgressOption() {
    }

    /** How training progress is shown. */
    Progress.Mode mode() {
        return mode;
    }
}
