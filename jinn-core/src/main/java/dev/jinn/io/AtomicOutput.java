package dev.jinn.io;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * A file being written atomically, for output that is produced as it goes (e.g. one line per scored row): the
 * bytes go to a temporary file {@code .NAME.XXXXXXXXXXXX.tmp} beside the target, and {@link #commit()} forces them
 * to disk and moves the temporary file over the target in one step. Closing without a commit, or dying before it,
 * leaves the target as it was: readers see the old file or the complete new one, never a part.
 *
 * <p>The temporary file is locked while it is written, so {@link AtomicFile#removeStale} can tell the leftovers of
 * a killed run (unlocked: the kernel dropped the dead process's lock) from a file another writer is still filling.
 */
public final class AtomicOutput implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path target;
    private final Path tmp;
    private final FileChannel channel;
    private final FileLock lock;
    private BufferedWriter writer;
    private boolean done;

    private AtomicOutput(Path target, Path tmp, FileChannel channel, FileLock lock) {
        this.target = target;
        this.tmp = tmp;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Starts writing {@code target}: removes stale temporary files of earlier, killed writers and creates a fresh
     * one (the target itself is not touched until {@link #commit()}).
     *
     * @param target the file to create or replace
     * @return the open output; close it in a try-with-resources block
     * @throws IOException when the path is a directory or its directory cannot be written
     */
    public static AtomicOutput open(Path target) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        if (dir == null || absolute.getFileName() == null) {
            throw new IOException("cannot write " + target + ": not a file path");
        }
        if (Files.isDirectory(absolute)) {
            throw new IOException("cannot write " + target + ": it is a directory");
        }
        AtomicFile.removeStale(absolute);
        while (true) {
            byte[] suffix = new byte[6];
            RANDOM.nextBytes(suffix);
            Path candidate = dir.resolve(AtomicFile.tempName(absolute, HexFormat.of().formatHex(suffix)));
            FileChannel ch;
            try {
                // CREATE_NEW with default permissions (umask), unlike createTempFile's owner-only mode.
                ch = FileChannel.open(candidate, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            } catch (FileAlreadyExistsException e) {
                continue; // another writer's temporary file: pick a new name
            }
            AtomicFile.ACTIVE.add(candidate);
            try {
                return new AtomicOutput(absolute, candidate, ch, ch.lock());
            } catch (IOException | RuntimeException e) {
                AtomicFile.ACTIVE.remove(candidate);
                ch.close();
                Files.deleteIfExists(candidate);
                throw e;
            }
        }
    }

    /**
     * The channel to write the bytes to (positioned at the start of the empty temporary file).
     *
     * @return the channel; do not close it
     */
    public FileChannel channel() {
        return channel;
    }

    /**
     * A buffered UTF-8 text writer on the temporary file, created on first use and flushed by {@link #commit()}.
     *
     * @return the writer; do not close it
     */
    public Writer writer() {
        if (writer == null) {
            OutputStream raw = new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    ByteBuffer buf = ByteBuffer.wrap(b, off, len);
                    while (buf.hasRemaining()) {
                        channel.write(buf);
                    }
                }
            };
            writer = new BufferedWriter(new OutputStreamWriter(raw, StandardCharsets.UTF_8), 1 << 16);
        }
        return writer;
    }

    /**
     * Makes the written bytes the target's contents: flushes, forces them to disk, and moves the temporary file
     * over the target atomically.
     *
     * @throws IOException when flushing, syncing or moving fails (the target is then unchanged)
     */
    public void commit() throws IOException {
        if (done) {
            throw new IllegalStateException("the output " + target + " was already committed or discarded");
        }
        if (writer != null) {
            writer.flush();
        }
        channel.force(true);
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("cannot write " + target + " atomically: the file system of " + target.getParent()
                    + " does not support atomic moves", e);
        }
        done = true;
        release();
        syncDirectory(target.getParent());
    }

    /** Discards the temporary file unless {@link #commit()} succeeded; the target is then as it was. */
    @Override
    public void close() throws IOException {
        if (done) {
            return;
        }
        done = true;
        try {
            release();
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private void release() throws IOException {
        try {
            if (lock.isValid()) {
                lock.release();
            }
            channel.close();
        } finally {
            AtomicFile.ACTIVE.remove(tmp);
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
