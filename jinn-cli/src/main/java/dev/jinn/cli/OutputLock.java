package dev.jinn.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One output, one writer: a lock on {@code .NAME.lock} beside an output file, held for a whole command run, so
 * that a second run writing the same file at the same time is refused up front instead of both training and one
 * result silently replacing the other. The kernel drops the lock when its process dies, so a killed run never
 * blocks the next one; the lock file is deleted when the run ends.
 */
final class OutputLock implements AutoCloseable {
    /**
     * Lock files held by this JVM: a second lock attempt in the same JVM is refused here, because on POSIX
     * closing the probing channel would release the first holder's lock.
     */
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();
    /** The locked byte: far past the token written at the start, so the token stays readable on Windows too. */
    private static final long REGION = Long.MAX_VALUE - 1;

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;

    private OutputLock(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    /** The lock file of an output. */
    static Path lockFile(Path output) {
        Path abs = output.toAbsolutePath();
        return abs.resolveSibling("." + abs.getFileName() + ".lock");
    }

    /**
     * Takes the lock of an output whose directory exists.
     *
     * @param option the option that named the output, for the message
     * @param output the output file
     * @return the held lock
     * @throws IOException when another run holds it, or the directory cannot be written
     */
    static OutputLock acquire(String option, Path output) throws IOException {
        Path file = lockFile(output);
        if (!HELD.add(file)) {
            throw busy(option, output, file);
        }
        try {
            while (true) {
                FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.READ);
                FileLock l;
                try {
                    l = ch.tryLock(REGION, 1, false);
                } catch (OverlappingFileLockException e) {
                    l = null;
                }
                if (l == null) {
                    ch.close();
                    throw busy(option, output, file);
                }
                // The previous holder deletes the file before it unlocks; if it did so after we opened it, our lock
                // is on a file no longer under that name. A token written through our channel and read back by
                // name tells the two apart.
                byte[] token = UUID.randomUUID().toString().getBytes(StandardCharsets.US_ASCII);
                ch.truncate(0);
                ch.write(ByteBuffer.wrap(token), 0);
                if (sameFile(file, token)) {
                    return new OutputLock(file, ch, l);
                }
                l.release();
                ch.close();
            }
        } catch (IOException | RuntimeException e) {
            HELD.remove(file);
            throw e;
        }
    }

    private static boolean sameFile(Path file, byte[] token) throws IOException {
        try {
            return java.util.Arrays.equals(Files.readAllBytes(file), token);
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    private static IOException busy(String option, Path output, Path file) {
        return new IOException(option + " " + output + ": another jinn run is writing this file (it holds the lock "
                + file + "); wait for it to finish or choose another file");
    }

    /** Deletes the lock file and releases the lock. */
    @Override
    public void close() throws IOException {
        try {
            Files.deleteIfExists(file);
            if (lock.isValid()) {
                lock.release();
            }
            channel.close();
        } finally {
            HELD.remove(file);
        }
    }
}
