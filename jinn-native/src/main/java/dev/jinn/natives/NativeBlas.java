package dev.jinn.natives;

import dev.jinn.kernel.Gemm;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.Properties;
import org.bytedeco.javacpp.Loader;

/**
 * What the jinn-native artifact brought: the OpenBLAS binary of one platform, which jinn-core's GEMM picks up
 * on its own when it loads. Depending on jinn-native is all it takes to use it; this class only answers whether
 * that worked, so that an application (or the CLI) can say so instead of silently running the Java kernels.
 *
 * <p>The usual reason for the native library to be missing is a platform mismatch: Maven chose the binary for
 * the machine that resolved the dependency ({@code jinn.native.platform}), and the program runs elsewhere.
 */
public final class NativeBlas {
    private static final String PROPERTIES = "native.properties";

    private NativeBlas() {
    }

    /**
     * The javacpp platform whose OpenBLAS binary this artifact depends on, e.g. {@code linux-x86_64}.
     *
     * @return the platform recorded when jinn-native was built
     */
    public static String bundledPlatform() {
        return properties().getProperty("platform");
    }

    /**
     * The javacpp platform of the running JVM, e.g. {@code macosx-arm64}.
     *
     * @return the platform javacpp detects here
     */
    public static String runningPlatform() {
        return Loader.getPlatform();
    }

    /**
     * Whether jinn's GEMM runs large products on OpenBLAS in this JVM.
     *
     * @return true when the native backend loaded
     */
    public static boolean loaded() {
        return Gemm.backendName().equals("openblas");
    }

    /**
     * Fails unless the native backend loaded, with the reason: a platform mismatch, {@code -Djinn.blas=java},
     * or a library that did not load on this platform.
     *
     * @throws IllegalStateException when jinn runs on its Java kernels only
     */
    public static void require() {
        Optional<String> problem = problem(bundledPlatform(), runningPlatform(), Gemm.backendName(),
                System.getProperty("jinn.blas"));
        if (problem.isPresent()) {
            throw new IllegalStateException(problem.get());
        }
    }

    /**
     * Why the native backend is not in use, if it is not.
     *
     * @param bundled the platform of the binary on the class path
     * @param running the platform of this JVM
     * @param backend the GEMM backend's name ({@link Gemm#backendName()})
     * @param blasMode the {@code jinn.blas} system property (null when unset)
     * @return the reason, or empty when OpenBLAS is in use
     */
    static Optional<String> problem(String bundled, String running, String backend, String blasMode) {
        if (backend.equals("openblas")) {
            return Optional.empty();
        }
        if (blasMode != null && blasMode.trim().equalsIgnoreCase("java")) {
            return Optional.of("jinn-native: the native BLAS is switched off by -Djinn.blas=" + blasMode);
        }
        if (!bundled.equals(running)) {
            return Optional.of("jinn-native: the OpenBLAS binary on the class path is for " + bundled
                    + ", but this JVM runs on " + running + "; resolve jinn-native on this platform or build with "
                    + "-Djinn.native.platform=" + running);
        }
        return Optional.of("jinn-native: OpenBLAS for " + running + " is on the class path but did not load; "
                + "run with -Djinn.blas=native to see the loader's error");
    }

    private static Properties properties() {
        Properties p = new Properties();
        try (InputStream in = NativeBlas.class.getResourceAsStream(PROPERTIES)) {
            if (in == null) {
                throw new IllegalStateException("jinn-native: " + PROPERTIES + " is missing from its jar");
            }
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("jinn-native: cannot read " + PROPERTIES, e);
        }
        return p;
    }
}
