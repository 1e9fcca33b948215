package dev.jinn.spark;

import dev.jinn.model.ModelFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;

/**
 * The flows of one JVM (an executor's, or the driver's in local mode), built from broadcast model bytes once and
 * reused by every task after: the bytes are written to one temporary file per content hash and loaded with
 * {@link ModelFile#load}, exactly as {@code jinn score} loads them. A flow is not made for two threads at once
 * (a pass switches its mode and its modules may keep state between calls), so each concurrently running task
 * borrows its own copy from a pool that grows to the number of task slots and is then reused.
 *
 * <p>A long-lived executor may score many models over its life (a pipeline refitted daily, several models in one
 * job), so only the pools of the {@value #MODELS_KEPT} models used most recently are kept: the pool of an older
 * model is dropped with its temporary file, and its copies still out on loan are let go when they come back.
 */
final class ExecutorModels {
    /** How many models' pools (copies and temporary file) one JVM keeps. */
    static final int MODELS_KEPT = 4;
    /**
     * The pools by SHA-256 of the model file, least recently used first. Guarded by itself; loads happen under
     * it too, so that an eviction never deletes a file while it is being loaded.
     */
    private static final LinkedHashMap<String, Pool> POOLS = new LinkedHashMap<>(16, 0.75f, true);

    private ExecutorModels() {
    }

    /** The idle copies of one model and the file they are loaded from. */
    private record Pool(Path file, ArrayDeque<ModelFile> idle) {
    }

    /**
     * Takes a copy of the model for the calling task.
     *
     * @param bytes the broadcast model file
     * @return a model no other task uses until it is {@linkplain #release released}
     * @throws UncheckedIOException when the bytes are not a usable model file (the message names its source)
     */
    static ModelFile borrow(ModelBytes bytes) {
        synchronized (POOLS) {
            Pool pool = POOLS.get(bytes.sha256());
            if (pool == null) {
                pool = new Pool(spill(bytes), new ArrayDeque<>());
                POOLS.put(bytes.sha256(), pool);
                evictBeyond(MODELS_KEPT);
            }
            ModelFile m = pool.idle().poll();
            if (m != null) {
                return m;
            }
            try {
                return ModelFile.load(pool.file());
            } catch (IOException e) {
                throw new UncheckedIOException(bytes.source() + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * Gives a borrowed copy back for the next task; a copy of a model whose pool was dropped meanwhile is let go.
     *
     * @param bytes the model file it was borrowed for
     * @param model the copy
     */
    static void release(ModelBytes bytes, ModelFile model) {
        synchronized (POOLS) {
            Pool pool = POOLS.get(bytes.sha256());
            if (pool != null) {
                pool.idle().add(model);
            }
        }
    }

    /**
     * The temporary file a model is loaded from in this JVM, for tests.
     *
     * @param bytes the model file
     * @return the file, or null when no pool of that model is kept
     */
    static Path heldFile(ModelBytes bytes) {
        synchronized (POOLS) {
            Pool pool = POOLS.get(bytes.sha256());
            return pool == null ? null : pool.file();
        }
    }

    /** Drops the least recently used pools and their files until at most {@code kept} remain. */
    private static void evictBeyond(int kept) {
        Iterator<Pool> eldest = POOLS.values().iterator();
        while (POOLS.size() > kept && eldest.hasNext()) {
            Path file = eldest.next().file();
            eldest.remove();
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // The file is a temporary copy marked deleteOnExit; failing to delete it early loses nothing.
            }
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
