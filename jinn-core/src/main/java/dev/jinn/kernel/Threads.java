package dev.jinn.kernel;

import java.util.concurrent.ForkJoinPool;

/**
 * The one thread pool of jinn, sized once at start-up from the system property {@code jinn.threads} (default:
 * the number of available processors). Kernels split large work over it; small work stays on the calling
 * thread. Native libraries (BLAS) are configured with the same count.
 *
 * <p>Results never depend on the thread count for operations documented as deterministic: work is split into
 * fixed chunks whose partial results are combined in a fixed order.
 */
public final class Threads {
    private static final int COUNT = parse(System.getProperty("jinn.threads"));
    private static final ForkJoinPool POOL = COUNT > 1 ? new ForkJoinPool(COUNT) : null;

    private Threads() {
    }

    private static int parse(String value) {
        int available = Runtime.getRuntime().availableProcessors();
        if (value == null || value.isBlank()) {
            return available;
        }
        try {
            int n = Integer.parseInt(value.trim());
            if (n < 1) {
                throw new NumberFormatException("must be at least 1");
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("jinn.threads: expected a positive integer, got '" + value + "'", e);
        }
    }

    /**
     * The number of threads kernels may use.
     *
     * @return {@code jinn.threads}, or the available processors
     */
    public static int count() {
        return COUNT;
    }

    /**
     * The shared pool, or null when jinn runs single-threaded ({@code jinn.threads=1} or one processor).
     *
     * @return the pool
     */
    public static ForkJoinPool pool() {
        return POOL;
    }
}
