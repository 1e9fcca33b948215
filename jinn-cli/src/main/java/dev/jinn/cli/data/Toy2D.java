package dev.jinn.cli.data;

import dev.jinn.check.Require;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.util.Arrays;
import java.util.Locale;

/**
 * The two-dimensional test densities of the normalizing-flow literature, drawn point by point from an explicit
 * generator (so a seed fixes every sample). Each has a {@link #defaultNoise()}: the standard deviation of the
 * Gaussian noise added to (or, for the Gaussian mixture and the pinwheel, built into) each point.
 *
 * <ul>
 *   <li>{@code moons}: two interleaved half circles, {@code (cos t, sin t)} and {@code (1 − cos t, ½ − sin t)}
 *       for {@code t ~ U[0, π]} (scikit-learn's layout, as in FrEIA's quick start); noise 0.05.</li>
 *   <li>{@code circles}: concentric circles of radius 1 and ½; noise 0.05.</li>
 *   <li>{@code 8gaussians}: eight Gaussians evenly spaced on a circle of radius 2; standard deviation 0.1.</li>
 *   <li>{@code checkerboard}: uniform on the dark squares of a 4×4 board on {@code [−2, 2]²}; noise 0.</li>
 *   <li>{@code pinwheel}: five arms; radial spread 0.3, tangential spread = noise 0.1, arms bending with the
 *       radius.</li>
 *   <li>{@code 2spirals}: two interleaved spirals; noise 0.1.</li>
 *   <li>{@code rings}: four concentric circles of radius ½, 1, 3/2 and 2; noise 0.08.</li>
 *   <li>{@code swissroll}: the planar swiss roll {@code (t cos t, t sin t)/5}, {@code t ~ U[3π/2, 9π/2]}; noise
 *       0.1.</li>
 * </ul>
 */
public enum Toy2D {
    /** Two interleaved half circles. */
    MOONS("moons", 0.05) {
        @Override
        void point(Rng rng, double noise, double[] xy) {
            double t = Math.PI * rng.nextDouble();
            if (rng.nextDouble() < 0.5) {
                xy[0] = Math.cos(t);
                xy[1] = Math.sin(t);
            } else {
                xy[0] = 1 - Math.cos(t);
                xy[1] = 0.5 - Math.sin(t);
            }
            addNoise(rng, noise, xy);
        }
    },
    /** Two concentric circles. */
    CIRCLES("circles", 0.05) {
        @Override
        void point(Rng rng, double noise, double[] xy) {
            double r = rng.nextDouble() < 0.5 ? 1.0 : 0.5;
            double t = 2 * Math.PI * rng.nextDouble();
            xy[0] = r * Math.cos(t);
            xy[1] = r * Math.sin(t);
            addNoise(rng, noise, xy);
        }
    },
    /** Eight Gaussians on a circle. */
    EIGHT_GAUSSIANS("8gaussians", 0.1) {
        @Override
        void point(Rng rng, double noise, double[] xy) {
            double angle = rng.nextLong(8) * Math.PI / 4;
            xy[0] = 2 * Math.cos(angle);
            xy[1] = 2 * Math.sin(angle);
            addNoise(rng, noise, xy);
        }
    },
    /** A 4×4 checkerboard. */
    CHECKERBOARD("checkerboard", 0.0) {
        @Override
        void point(Rng rng, double noise, double[] xy) {
            double x = 4 * rng.nextDouble() - 2;
            // y in one of the two unit intervals of its column that are dark: shift by the column's parity.
            double y = rng.nextDouble() - 2 * rng.nextLong(2) + Math.floorMod((long) Math.floor(x), 2);
            xy[0] = x;
            xy[1] = y;
            addNoise(rng, noise, xy);
        }
    },
    /** A five-armed pinwheel. */
    PINWHEEL("pinwheel", 0.1) {
        @Override
        void point(Rng rng, double noise, double[] xy) {
            int arms = 5;
            long arm = rng.nextLong(arms);
            double radial = 1 + 0.3 * rng.nextGaussian();
            double tangential = noise * rng.nextGaussian();
            double angle = 2 * Math.PI * arm / arms + 0.25 * Math.exp(radial);
            double c = Math.cos(angle);
            double s = Math.sin(angle);
            xy[0] = 2 * (radial * c - tangential * s);
            xy[1] = 2 * (radial * s + tangential * c);
        }
    },
    /** Two interleaved spirals. */
    TWO_SPIRALS("2spirals", 0.1) {
        @Override
        void point(Rng rng, double noise, double[] xy) {
            double n = Math.sqrt(rng.nextDouble()) * 3 * Math.PI;
            double x = -Math.cos(n) * n + 0.5 * rng.nextDouble();
            double y = Math.sin(n) * n + 0.5 * rng.nextDouble();
            double sign = rng.nextDouble() < 0.5 ? 1 : -1;
            xy[0] = sign * x / 3;
            xy[1] = sign * y / 3;
            addNoise(rng, noise, xy);
        }
    },
    /** Four concentric rings. */
    RINGS("rings", 0.08) {
        @Override
        void point(Rng rng, double noise, double[] xy) {
            double r = 0.5 * (1 + rng.nextLong(4));
            double t = 2 * Math.PI * rng.nextDouble();
            xy[0] = r * Math.cos(t);
            xy[1] = r * Math.sin(t);
            addNoise(rng, noise, xy);
        }
    },
    /** A planar swiss roll. */
    SWISSROLL("swissroll", 0.1) {
        @Override
        void point(Rng rng, double noise, double[] xy) {
            double t = 1.5 * Math.PI * (1 + 2 * rng.nextDouble());
            xy[0] = t * Math.cos(t) / 5;
            xy[1] = t * Math.sin(t) / 5;
            addNoise(rng, noise, xy);
        }
    };

    private final String id;
    private final double defaultNoise;

    Toy2D(String id, double defaultNoise) {
        this.id = id;
        this.defaultNoise = defaultNoise;
    }

    /** Draws one point into {@code xy}. */
    abstract void point(Rng rng, double noise, double[] xy);

    private static void addNoise(Rng rng, double noise, double[] xy) {
        if (noise > 0) {
            xy[0] += noise * rng.nextGaussian();
            xy[1] += noise * rng.nextGaussian();
        }
    }

    /**
     * The name used on the command line, e.g. {@code 8gaussians}.
     *
     * @return the name
     */
    public String id() {
        return id;
    }

    /**
     * The noise level used when none is given.
     *
     * @return the standard deviation
     */
    public double defaultNoise() {
        return defaultNoise;
    }

    /**
     * Draws samples with the default noise.
     *
     * @param n   the number of points, &ge; 0
     * @param rng the generator
     * @return a float32 tensor {@code [n, 2]}
     */
    public Tensor sample(int n, Rng rng) {
        return sample(n, defaultNoise, rng);
    }

    /**
     * Draws samples.
     *
     * @param n     the number of points, &ge; 0
     * @param noise the noise standard deviation, &ge; 0
     * @param rng   the generator
     * @return a float32 tensor {@code [n, 2]}
     */
    public Tensor sample(int n, double noise, Rng rng) {
        Require.atLeast(0, n, id + ": the number of samples");
        if (!(noise >= 0 && noise < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException(id + ": the noise must be finite and >= 0, got " + noise);
        }
        float[] out = new float[2 * n];
        double[] xy = new double[2];
        for (int i = 0; i < n; i++) {
            point(rng, noise, xy);
            out[2 * i] = (float) xy[0];
            out[2 * i + 1] = (float) xy[1];
        }
        return Tensors.of(out, n, 2);
    }

    /**
     * Looks a set up by its command-line name.
     *
     * @param id e.g. {@code moons} (case-insensitive)
     * @return the set
     * @throws IllegalArgumentException listing the known names
     */
    public static Toy2D byId(String id) {
        for (Toy2D t : values()) {
            if (t.id.equalsIgnoreCase(id)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown data set '" + id + "'; known: " + ids() + ", digits, or a .csv file");
    }

    /**
     * Whether a name is one of the sets.
     *
     * @param id the name
     * @return true if {@link #byId(String)} would find it
     */
    public static boolean isId(String id) {
        return Arrays.stream(values()).anyMatch(t -> t.id.equalsIgnoreCase(id));
    }

    /**
     * The names of all sets.
     *
     * @return e.g. {@code moons, circles, …}
     */
    public static String ids() {
        StringBuilder sb = new StringBuilder();
        for (Toy2D t : values()) {
            sb.append(sb.length() == 0 ? "" : ", ").append(t.id.toLowerCase(Locale.ROOT));
        }
        return sb.toString();
    }
}
