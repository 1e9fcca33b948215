package dev.jinn.kernel;

/**
 * Finds the optional kernels written against {@code jdk.incubator.vector} (compiled from {@code src/main/vector}
 * in their own compiler pass and instantiated by name, so that jinn loads without the module). A kernel is
 * found only when the JVM runs with {@code --add-modules jdk.incubator.vector} and {@code -Djinn.vector} is not
 * {@code false}; any failure to load it (module absent, another JDK's incubator API) means "not found", and the
 * caller's scalar loop stays in charge.
 */
final class VectorKernels {
    private VectorKernels() {
    }

    /**
     * The vector kernel {@code dev.jinn.kernel.<simpleName>}, or null where it cannot be used.
     *
     * @param simpleName the implementing class's simple name in this package
     * @param type       the interface it implements
     * @param <T>        that interface
     * @return a new instance, or null
     */
    static <T> T load(String simpleName, Class<T> type) {
        if (!Boolean.parseBoolean(System.getProperty("jinn.vector", "true"))
                || ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return null;
        }
        try {
            return type.cast(Class.forName("dev.jinn.kernel." + simpleName).getDeclaredConstructor().newInstance());
        } catch (Throwable e) {
            return null;
        }
    }
}
