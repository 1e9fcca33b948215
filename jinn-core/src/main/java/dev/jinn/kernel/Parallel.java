package dev.jinn.kernel;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Splits large kernel loops over the shared pool of {@link Threads}; work below {@link #threshold()} elements
 * runs on the calling thread, exactly as a plain loop would.
 *
 * <p>Callers describe work as {@code count} items of a known size and give a body that processes any range of
 * items. Which thread runs which range never affects results: elementwise items write disjoint outputs, and
 * reductions fold fixed chunks (whose boundaries depend only on the data's shape, never on the thread count)
 * into separate partial results that the caller combines in chunk order.
 */
public final class Parallel {
    /**
     * Elements per chunk: the unit of work handed to one thread, and the fixed block length of chunked sums.
     */
    public static final int CHUNK = 1 << 14;
    /**
     * Default for {@link #threshold()}: on a 2-core machine, splitting 1.5 ns/element work (add, copy) breaks
     * even at about 32K elements and wins clearly from 64K; transcendentals break even well below that.
     */
    private static final int DEFAULT_THRESHOLD = 1 << 16;
    private static volatile int threshold = parseThreshold(System.getProperty("jinn.parallel.threshold"));
    /**
     * Set on a thread while it runs one range of a split loop: a loop nested inside (a kernel called per block of
     * a batch that is itself split over the pool) then runs on that thread, since every thread is already busy.
     */
    private static final ThreadLocal<Boolean> INSIDE = ThreadLocal.withInitial(() -> Boolean.FALSE);

    private Parallel() {
    }

    /** A body over the item range {@code [from, to)}. */
    @FunctionalInterface
    public interface Range {
        /**
         * Processes items {@code from} (inclusive) to {@code to} (exclusive).
         *
         * @param from first item
         * @param to   one past the last item
         */
        void run(int from, int to);
    }

    private static int parseThreshold(String value) {
        if (value == null || value.isBlank()) {
            return DEFAULT_THRESHOLD;
        }
        try {
            return Math.max(1, Integer.parseInt(value.trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("jinn.parallel.threshold: expected an integer, got '" + value + "'",
                    e);
        }
    }

    /**
     * The element count from which loops are split over the pool: the system property
     * {@code jinn.parallel.threshold}, default 65536.
     *
     * @return the threshold in elements
     */
    public static int threshold() {
        return threshold;
    }

    /** Sets the threshold (tests force the single-threaded path with {@code Integer.MAX_VALUE}). */
    static void setThreshold(int elements) {
        threshold = Math.max(1, elements);
    }

    /**
     * Whether work of {@code elements} elements is split over the pool.
     *
     * @param elements total elements the work touches
     * @return true when a pool exists, the work reaches the threshold and the calling thread is not already
     *         running one range of a split loop
     */
    public static boolean splits(long elements) {
        return Threads.pool() != null && elements >= threshold && !INSIDE.get();
    }

    /**
     * Runs {@code body} over items {@code [0, count)}: in one call on the calling thread when the work is small,
     * otherwise in ranges of about {@link #CHUNK} elements spread over the pool, the calling thread included.
     * Returns when every item is done; the first failure is rethrown.
     *
     * @param count           number of items
     * @param elementsPerItem elements each item touches (its cost)
     * @param body            the work on a range of items
     */
    public static void forRange(int count, long elementsPerItem, Range body) {
        if (count <= 0) {
            return;
        }
        long per = Math.max(1, elementsPerItem);
        if (count == 1 || !splits(per * count)) {
            body.run(0, count);
            return;
        }
        int grain = (int) Math.max(1, Math.min(count, CHUNK / per));
        int blocks = (count + grain - 1) / grain;
        if (blocks == 1) {
            body.run(0, count);
            return;
        }
        run(blocks, b -> body.run(b * grain, (int) Math.min(count, (long) (b + 1) * grain)));
    }

    /** A body over one block index. */
    @FunctionalInterface
    private interface Block {
        void run(int block);
    }

    /** Runs blocks {@code 0 .. blocks-1} once each, claimed in order by the caller and up to count-1 helpers. */
    private static void run(int blocks, Block body) {
        ForkJoinPool pool = Threads.pool();
        int helpers = Math.min(blocks, Threads.count()) - 1;
        AtomicInteger next = new AtomicInteger();
        Runnable drain = () -> {
            boolean outer = INSIDE.get();
            INSIDE.set(Boolean.TRUE);
            try {
                for (int b = next.getAndIncrement(); b < blocks; b = next.getAndIncrement()) {
                    body.run(b);
                }
            } finally {
                INSIDE.set(outer);
            }
        };
        ForkJoinTask<?>[] tasks = new ForkJoinTask<?>[helpers];
        for (int h = 0; h < helpers; h++) {
            tasks[h] = pool.submit(drain);
        }
        RuntimeException failure = null;
        try {
            drain.run();
        } catch (RuntimeException e) {
            failure = e;
            next.set(blocks);
        }
        for (ForkJoinTask<?> t : tasks) {
            try {
                t.join();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
