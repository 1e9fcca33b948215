package dev.jinn.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Writes a file so that readers see either the old contents or the complete new ones: the bytes go to a
 * temporary file in the target's directory, are forced to disk, and the temporary file is then moved over the
 * target atomically ({@link AtomicOutput} does the work; this class is the one-shot form and the clean-up). On any
 * failure the temporary file is deleted and the target is left as it was; a process killed mid-write leaves only
 * its temporary file, which the next write of the same target removes.
 */
public final class AtomicFile {
    /** The body of a write: fills the (empty, freshly created) channel. */
    @FunctionalInterface
    public interface Body {
        /**
         * Writes the contents.
         *
         * @param channel the temporary file's channel; do not close it
         * @throws IOException when writing fails
         */
        void writeTo(FileChannel channel) throws IOException;
    }

    /**
     * Temporary files this JVM is writing. Probing one of them with a lock of our own would be refused by the
     * JVM rather than the kernel and, on POSIX, closing the probe's channel would drop the writer's lock.
     */
    static final Set<Path> ACTIVE = ConcurrentHashMap.newKeySet();
    private static final Pattern SUFFIX = Pattern.compile("\\.[0-9a-f]{12}\\.tmp");

    private AtomicFile() {
    }

    /**
     * Writes {@code target} atomically.
     *
     * @param target the file to create or replace
     * @param body   writes the contents
     * @throws IOException when writing, syncing or moving fails (the target is then unchanged)
     */
    public static void write(Path target, Body body) throws IOException {
        try (AtomicOutput out = AtomicOutput.open(target)) {
            body.writeTo(out.channel());
            out.commit();
        }
    }

    /** The temporary file name for a target and a random hex suffix: hidden, and named after the target. */
    static String tempName(Path target, String hex) {
        return "." + target.getFileName() + "." + hex + ".tmp";
    }

    /**
     * Deletes the temporary files that killed writers of {@code target} left behind: those of its name pattern
     * that no live process holds locked. Files still being written (by this JVM or another process) are kept.
     *
     * @param target the target file
     * @return how many were removed
     * @throws IOException when the directory cannot be listed
     */
    public static int removeStale(Path target) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            return 0;
        }
        String prefix = "." + absolute.getFileName();
        // A filter rather than a glob: a target's name may hold glob syntax such as [ or {.
        DirectoryStream.Filter<Path> ours = p -> {
            String name = p.getFileName().toString();
            return name.startsWith(prefix) && SUFFIX.matcher(name.substring(prefix.length())).matches();
        };
        int removed = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, ours)) {
            for (Path p : entries) {
                if (!ACTIVE.contains(p) && removeIfUnlocked(p)) {
                    removed++;
                }
            }
        }
        return removed;
    }

    private static boolean removeIfUnlocked(Path tmp) throws IOException {
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                return false;
            }
            if (lock == null) {
                return false; // a live writer in another process
            }
            try {
                Files.deleteIfExists(tmp);
                return true;
            } finally {
                lock.release();
            }
        } catch (NoSuchFileException e) {
            return false; // its writer just moved or deleted it
        }
    }
}
