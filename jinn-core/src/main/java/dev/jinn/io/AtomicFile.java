package dev.jinn.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Writes a file so that readers see either the old contents or the complete new ones: the bytes go to a
 * temporary file in the target's directory, are forced to disk, and the temporary file is then moved over the
 * target atomically. On any failure the temporary file is deleted and the target is left as it was.
 */
final class AtomicFile {
    /** The body of a write: fills the (empty, freshly created) channel. */
    @FunctionalInterface
    interface Body {
        void writeTo(FileChannel channel) throws IOException;
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    private AtomicFile() {
    }

    /**
     * Writes {@code target} atomically.
     *
     * @param target the file to create or replace
     * @param body   writes the contents
     * @throws IOException when writing, syncing or moving fails (the target is then unchanged)
     */
    static void write(Path target, Body body) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        if (dir == null || absolute.getFileName() == null) {
            throw new IOException("cannot write " + target + ": not a file path");
        }
        if (Files.isDirectory(absolute)) {
            throw new IOException("cannot write " + target + ": it is a directory");
        }
        Path tmp = null;
        boolean done = false;
        try {
            FileChannel channel = null;
            while (channel == null) {
                byte[] suffix = new byte[6];
                RANDOM.nextBytes(suffix);
                Path candidate = dir.resolve("." + absolute.getFileName() + "." + HexFormat.of().formatHex(suffix)
                        + ".tmp");
                try {
                    // CREATE_NEW with default permissions (umask), unlike createTempFile's owner-only mode.
                    channel = FileChannel.open(candidate, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                    tmp = candidate;
                } catch (FileAlreadyExistsException e) {
                    // another writer's temporary file: pick a new name
                }
            }
            try (FileChannel ch = channel) {
                body.writeTo(ch);
                ch.force(true);
            }
            try {
                Files.move(tmp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("cannot write " + target + " atomically: the file system of " + dir
                        + " does not support atomic moves", e);
            }
            done = true;
            syncDirectory(dir);
        } finally {
            if (!done && tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException | RuntimeException e) {
                    // keep the original failure; a stray temporary file is the lesser problem
                }
            }
        }
    }

    /** Makes the rename durable where the platform allows syncing a directory (POSIX); ignored elsewhere. */
    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | RuntimeException e) {
            // not supported on this platform (e.g. Windows); the data itself was already forced
        }
    }
}
