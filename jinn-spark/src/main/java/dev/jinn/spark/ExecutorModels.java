package dev.jinn.spark;

import dev.jinn.model.ModelFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The flows of one JVM (an executor's, or the driver's in local mode), built from broadcast model bytes once and
 * reused by every task after: the bytes are written to one temporary file per content hash and loaded with
 * {@link ModelFile#load}, exactly as {@code jinn score} loads them. A flow is not made for two threads at once
 * (a pass switches its mode and its modules may keep state between calls), so each concurrently running task
 * borrows its own copy from a pool that grows to the number of task slots and is then reused.
 */
final class ExecutorModels {
    /** The pools by SHA-256 of the model file. */
    private static final Map<String, Pool> POOLS = new ConcurrentHashMap<>();
    /**
     * Building a model seeds the global initialiser (ModelConfig.build); two builds at once would interleave its
     * draws. The loaded weights replace them, but the builds are serialised so nothing depends on that.
     */
    static final Object BUILD_LOCK = new Object();

    private ExecutorModels() {
    }

    /** The idle copies of one model and the file they are loaded from. */
    private record Pool(Path file, ConcurrentLinkedQueue<ModelFile> idle) {
    }

    /**
     * Takes a copy of the model for the calling task.
     *
     * @param bytes the broadcast model file
     * @return a model no other task uses until it is {@linkplain #release released}
     * @throws UncheckedIOException when the bytes are not a usable model file (the message names its source)
     */
    static ModelFile borrow(ModelBytes bytes) {
        Pool pool = POOLS.computeIfAbsent(bytes.sha256(), h -> new Pool(spill(bytes), new ConcurrentLinkedQueue<>()));
        ModelFile m = pool.idle().poll();
        if (m != null) {
            return m;
        }
        try {
            synchronized (BUILD_LOCK) {
                return ModelFile.load(pool.file());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(bytes.source() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Gives a borrowed copy back for the next task.
     *
     * @param bytes the model file it was borrowed for
     * @param model the copy
     */
    static void release(ModelBytes bytes, ModelFile model) {
        Pool pool = POOLS.get(bytes.sha256());
        if (pool != null) {
            pool.idle().add(model);
        }
    }

    /** Writes the bytes to a temporary file that lives as long as the JVM. */
    private static Path spill(ModelBytes bytes) {
        try {
            Path f = Files.createTempFile("jinn-model-" + bytes.sha256().substring(0, 12) + "-", ".safetensors");
            f.toFile().deleteOnExit();
            Files.write(f, bytes.bytes());
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a temporary copy of the model file " + bytes.source()
                    + ": " + e.getMessage(), e);
        }
    }
}
