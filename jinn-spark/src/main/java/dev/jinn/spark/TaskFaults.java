package dev.jinn.spark;

/**
 * A hook the tests use to make a training task fail (to check that Spark's retry recomputes the step and the
 * model stays exact). It is called in the task, before a partition's gradient; outside the tests it is null and
 * costs one volatile read per task.
 */
final class TaskFaults {
    /** Called with the step and the partition before each gradient; may throw. */
    @FunctionalInterface
    interface Hook {
        /**
         * Runs before a partition's gradient.
         *
         * @param step      the step (1-based)
         * @param partition the partition's index
         */
        void beforeGradient(long step, int partition);
    }

    /** The hook, or null (set only by tests, in local mode where tasks run in the test's JVM). */
    static volatile Hook hook;

    private TaskFaults() {
    }

    /**
     * Calls the hook, if one is set.
     *
     * @param step      the step
     * @param partition the partition
     */
    static void beforeGradient(long step, int partition) {
        Hook h = hook;
        if (h != null) {
            h.beforeGradient(step, partition);
        }
    }
}
