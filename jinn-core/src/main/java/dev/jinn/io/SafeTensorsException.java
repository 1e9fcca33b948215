package dev.jinn.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A safetensors file whose contents are invalid: a bad header length, malformed JSON, an unknown dtype, a
 * shape that does not match its byte range, overlapping or out-of-range offsets, and so on.
 *
 * <p>It extends {@link IOException} so that one {@code catch} covers both a file that cannot be read and a
 * file that is not a valid safetensors file; both are facts about the outside world, not programming errors.
 * (Invalid arguments to {@link SafeTensors#write} are programming errors and throw
 * {@link IllegalArgumentException} instead.) The message names the file, the tensor when one is concerned,
 * and what is wrong.
 */
public final class SafeTensorsException extends IOException {
    private static final long serialVersionUID = 1L;

    /** The file (not serialized: {@link Path} is not serializable). */
    private final transient Path file;
    /** The tensor concerned, or null. */
    private final String tensor;
    /** What is wrong. */
    private final String problem;

    /**
     * Creates the exception.
     *
     * @param file    the file, for the message
     * @param tensor  the tensor concerned, or null when the problem is not about one tensor
     * @param problem what is wrong
     */
    public SafeTensorsException(Path file, String tensor, String problem) {
        this(file, tensor, problem, null);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param file    the file, for the message
     * @param tensor  the tensor concerned, or null
     * @param problem what is wrong
     * @param cause   the underlying error, or null
     */
    public SafeTensorsException(Path file, String tensor, String problem, Throwable cause) {
        super("invalid safetensors file " + file + ": " + (tensor == null ? "" : "tensor '" + tensor + "': ")
                + problem, cause);
        this.file = file;
        this.tensor = tensor;
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
     * The tensor the problem concerns.
     *
     * @return its name, or null when the problem is about the file as a whole
     */
    public String tensor() {
        return tensor;
    }

    /**
     * What is wrong, without the file and tensor names.
     *
     * @return the description
     */
    public String problem() {
        return problem;
    }
}
