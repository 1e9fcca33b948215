package dev.jinn.kernel;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Finds the float/double twins of {@code dev.jinn.kernel} by reflection over its compiled classes, so that a new
 * twin cannot be added without a parity case ({@link KernelParityTest}). Two non-private methods of one class are
 * twins when
 *
 * <ul>
 *   <li>{@link Kind#ARRAYS}: the second's parameters are the first's with every {@code float[]} (and {@code float})
 *       replaced by {@code double[]} ({@code double}), and the names are equal or BLAS-style {@code s…}/{@code d…};
 *   <li>{@link Kind#SCALAR}: the first is an elementwise array form {@code name(float[] x, int xo, float[] out,
 *       int oo, int n)} and the second the static scalar {@code double name(double)} it is documented to round.
 * </ul>
 *
 * Abstract methods (an interface's) have no body to compare; their implementations are twins of their own.
 */
final class KernelTwins {
    /** How the two forms of a twin correspond. */
    enum Kind {
        /** The same kernel over float and double arrays. */
        ARRAYS,
        /** A float array kernel and the double scalar function it rounds to float. */
        SCALAR
    }

    /** One twin: the float form, the double form and how they correspond. */
    record Twin(Class<?> owner, Method floatForm, Method doubleForm, Kind kind) {
        /** {@code Class.method(parameter types of the float form)}, the key of its parity case. */
        String key() {
            return KernelTwins.key(owner, floatForm.getName(), floatForm.getParameterTypes());
        }
    }

    private KernelTwins() {
    }

    /** The key of a float form: {@code JavaGemm.sgemm(int, …, float[], int)}. */
    static String key(Class<?> owner, String name, Class<?>... params) {
        return owner.getSimpleName() + "." + name + Arrays.stream(params).map(Class::getSimpleName)
                .collect(Collectors.joining(", ", "(", ")"));
    }

    /** Every twin in the package, sorted by key. */
    static List<Twin> all() {
        List<Twin> out = new ArrayList<>();
        for (Class<?> c : kernelClasses()) {
            List<Method> methods = Arrays.stream(c.getDeclaredMethods())
                    .filter(m -> !m.isSynthetic() && !Modifier.isPrivate(m.getModifiers())
                            && !Modifier.isAbstract(m.getModifiers()))
                    .collect(Collectors.toList());
            for (Method f : methods) {
                if (!Arrays.asList(f.getParameterTypes()).contains(float[].class)) {
                    continue;
                }
                for (Method d : methods) {
                    if (arrayTwin(f, d)) {
                        out.add(new Twin(c, f, d, Kind.ARRAYS));
                    } else if (scalarTwin(f, d)) {
                        out.add(new Twin(c, f, d, Kind.SCALAR));
                    }
                }
            }
        }
        out.sort(Comparator.comparing(Twin::key));
        return out;
    }

    private static boolean arrayTwin(Method f, Method d) {
        boolean sameName = f.getName().equals(d.getName())
                || f.getName().startsWith("s") && d.getName().equals("d" + f.getName().substring(1));
        if (!sameName || f.getParameterCount() != d.getParameterCount()) {
            return false;
        }
        Class<?>[] fp = f.getParameterTypes();
        Class<?>[] dp = d.getParameterTypes();
        for (int i = 0; i < fp.length; i++) {
            if (widen(fp[i]) != dp[i]) {
                return false;
            }
        }
        return !Arrays.equals(fp, dp);
    }

    private static Class<?> widen(Class<?> type) {
        return type == float[].class ? double[].class : type == float.class ? double.class : type;
    }

    private static boolean scalarTwin(Method f, Method d) {
        return f.getName().equals(d.getName()) && Modifier.isStatic(f.getModifiers())
                && Modifier.isStatic(d.getModifiers())
                && Arrays.equals(f.getParameterTypes(), new Class<?>[] {float[].class, int.class, float[].class,
                        int.class, int.class})
                && Arrays.equals(d.getParameterTypes(), new Class<?>[] {double.class})
                && d.getReturnType() == double.class;
    }

    /** The top-level and nested classes compiled into this package's folder. */
    private static List<Class<?>> kernelClasses() {
        try {
            Path dir = Path.of(ArithKernel.class.getResource("ArithKernel.class").toURI()).getParent();
            List<Class<?>> out = new ArrayList<>();
            try (Stream<Path> files = Files.list(dir)) {
                for (Path p : files.sorted().collect(Collectors.toList())) {
                    String file = p.getFileName().toString();
                    if (file.endsWith(".class") && !file.equals("package-info.class")) {
                        String name = file.substring(0, file.length() - ".class".length());
                        out.add(Class.forName(ArithKernel.class.getPackageName() + "." + name));
                    }
                }
            }
            if (out.size() < 10) {
                throw new IllegalStateException("found only " + out.size() + " classes in " + dir);
            }
            return out;
        } catch (IOException | URISyntaxException | ClassNotFoundException e) {
            throw new IllegalStateException("cannot list the classes of dev.jinn.kernel", e);
        }
    }
}
