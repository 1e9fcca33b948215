package dev.jinn.cli;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Set;
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
    /** The locked byte: one far past any content, as a lock region that nothing else uses. */
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
                Object before = fileKey(file);
                FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
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
                // is on a file no longer under that name. The file's identity before the open and after the lock
                // tells the two apart. (Reading the file instead would open and close it a second time, and on POSIX
                // closing any descriptor of a file drops every lock the process holds on it.)
                Object after = fileKey(file);
                if (before != null && before.equals(after) || after == null && before == null && Files.exists(file)) {
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

    /** The file's identity (device and inode on POSIX), or null where the platform has none or it is missing. */
    private static Object fileKey(Path file) throws IOException {
        try {
            return Files.readAttributes(file, BasicFileAttributes.class).fileKey();
        } catch (NoSuchFileException e) {
            return null;
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
