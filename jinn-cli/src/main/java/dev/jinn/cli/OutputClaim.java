package dev.jinn.cli;

import dev.jinn.io.AtomicFile;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The output files of one command run, checked and locked before any work starts, so that a long training run
 * cannot end in an unwritable location or overwrite its own input: each output must not be a directory, its
 * directory is created (or must be writable), it must not be the same file as any input (real paths compared,
 * so symbolic and hard links count), no two outputs may be one file, and each is locked for the run
 * ({@link OutputLock}). Stale temporary files that killed runs left beside an output are removed. The files are
 * then written through {@link AtomicFile}; closing the claim releases the locks.
 */
final class OutputClaim implements AutoCloseable {
    /**
     * A file named by an option.
     *
     * @param option      the option, e.g. {@code --out}
     * @param path        the file
     * @param mayOverwrite for an output: the input option it may be the same file as (a checkpoint rewritten by
     *                    the run it resumes, read completely before the first write), or null
     */
    record Named(String option, Path path, String mayOverwrite) {
        Named(String option, Path path) {
            this(option, path, null);
        }
    }

    private final List<OutputLock> locks;

    private OutputClaim(List<OutputLock> locks) {
        this.locks = locks;
    }

    /**
     * Checks and locks the outputs.
     *
     * @param inputs  the files the command reads (missing ones are skipped: their reader reports them)
     * @param outputs the files the command writes
     * @return the claim; close it when the run ends
     * @throws IOException with the option, the path and the reason when an output cannot be written or is an input
     */
    static OutputClaim claim(List<Named> inputs, List<Named> outputs) throws IOException {
        List<Path> real = new ArrayList<>();
        for (Named o : outputs) {
            Path r = prepare(o);
            for (Named in : inputs) {
                if (Files.exists(in.path()) && same(r, in.path()) && !in.option().equals(o.mayOverwrite())) {
                    throw new IOException(o.option() + " " + o.path() + " is the same file as " + in.option() + " "
                            + in.path() + ": the run would overwrite its own input; choose another " + o.option());
                }
            }
            for (int k = 0; k < real.size(); k++) {
                if (real.get(k).equals(r)) {
                    Named first = outputs.get(k);
                    throw new IOException(first.option() + " " + first.path() + " and " + o.option() + " " + o.path()
                            + " are the same file; give them different names");
                }
            }
            real.add(r);
        }
        List<OutputLock> locks = new ArrayList<>();
        try {
            for (Named o : outputs) {
                try {
                    locks.add(OutputLock.acquire(o.option(), o.path()));
                } catch (FileSystemException e) {
                    throw cannotWrite(o, o.path().toAbsolutePath().getParent(), e);
                }
                AtomicFile.removeStale(o.path());
            }
        } catch (IOException | RuntimeException e) {
            release(locks);
            throw e;
        }
        return new OutputClaim(locks);
    }

    /** Checks one output's location, creating its directory; returns its real path. */
    private static Path prepare(Named o) throws IOException {
        Path abs = o.path().toAbsolutePath();
        if (abs.getFileName() == null) {
            throw new IOException(o.option() + " " + o.path() + ": not a file name");
        }
        if (Files.isDirectory(abs)) {
            throw new IOException(o.option() + " " + o.path() + ": is a directory; give a file name");
        }
        Path dir = abs.getParent();
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new IOException(o.option() + " " + o.path() + ": " + dir + " is a file, not a directory");
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw cannotWrite(o, dir, e);
        }
        if (!Files.isWritable(dir)) {
            throw new IOException(o.option() + " " + o.path() + ": cannot write in the directory " + dir
                    + " (permission denied)");
        }
        return Files.exists(abs) ? abs.toRealPath() : dir.toRealPath().resolve(abs.getFileName());
    }

    private static boolean same(Path realOutput, Path input) throws IOException {
        return realOutput.equals(input.toRealPath()) || Files.exists(realOutput) && Files.isSameFile(realOutput, input);
    }

    private static IOException cannotWrite(Named o, Path dir, IOException e) {
        String why;
        if (e instanceof FileAlreadyExistsException f) {
            why = f.getFile() + " is a file, not a directory";
        } else if (e instanceof AccessDeniedException) {
            why = "permission denied";
        } else if (e instanceof FileSystemException f && f.getReason() != null) {
            why = f.getReason();
        } else if (e instanceof NoSuchFileException) {
            why = "the file system refuses to create it";
        } else {
            why = e.getMessage();
        }
        return new IOException(o.option() + " " + o.path() + ": cannot write in the directory " + dir + " (" + why
                + ")", e);
    }

    private static void release(List<OutputLock> locks) throws IOException {
        IOException first = null;
        for (OutputLock l : locks) {
            try {
                l.close();
            } catch (IOException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** Releases the locks (the outputs have been committed or discarded by then). */
    @Override
    public void close() throws IOException {
        release(locks);
    }
}
