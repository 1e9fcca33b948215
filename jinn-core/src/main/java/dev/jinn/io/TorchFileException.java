package dev.jinn.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A PyTorch file ({@code .pt}/{@code .pth}) that jinn refuses to read: a global outside the allow-list (the
 * message names it, e.g. {@code posix.system}), an opcode that could construct arbitrary objects, a truncated or
 * malformed pickle, a zip archive with a defect, a storage or tensor that does not fit its record, sizes that do
 * not fit, and so on. Nothing from such a file is ever executed, and no tensor of it is returned.
 *
 * <p>It extends {@link IOException} for the same reason as {@link SafeTensorsException}: a bad file is a fact
 * about the outside world, and one {@code catch} covers both an unreadable and an invalid file.
 */
public final class TorchFileException extends IOException {
    private static final long serialVersionUID = 1L;

    /** The file (not serialized: {@link Path} is not serializable). */
    private final transient Path file;
    /** What is wrong. */
    private final String problem;

    /**
     * Creates the exception.
     *
     * @param file    the file, for the message
     * @param problem what is wrong
     */
    public TorchFileException(Path file, String problem) {
        this(file, problem, null);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param file    the file, for the message
     * @param problem what is wrong
     * @param cause   the underlying error, or null
     */
    public TorchFileException(Path file, String problem, Throwable cause) {
        super("refused PyTorch file " + file + ": " + problem, cause);
        this.file = file;
        this.problem = problem;
    }

    /**
     * The file that was being read.
     *
     * @return the path
     */
    public Path file() {
        return file;
    }

    /**
     * What is wrong, without the file name.
     *
     * @return the description
     */
    public String problem() {
        return problem;
    }
}
