package dev.jinn.nn;

import dev.jinn.autograd.Grad;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Parameter initialisers, as PyTorch's {@code torch.nn.init}: each one overwrites a tensor in place (outside
 * autograd) and returns it. Randomness is explicit: every random initialiser takes the {@link Rng} to draw
 * from, so the same seed gives the same weights.
 *
 * <p>Fans follow PyTorch's {@code _calculate_fan_in_and_fan_out}: for a tensor of shape
 * {@code [out, in, k1, k2, ...]} (a {@code Linear} weight {@code [out, in]}, a convolution weight
 * {@code [out, in/groups, k...]}) the receptive field is {@code k1·k2·...} (1 for a matrix),
 * {@code fan_in = in · receptive} and {@code fan_out = out · receptive}.
 *
 * <p>Layers built without an explicit generator draw from a process-wide default: {@link #defaultRng()}
 * hands out generators split from one master generator, seeded with {@link Rng#DEFAULT_SEED} when this
 * class loads and reseeded by {@link #manualSeed(long)} (the analogue of {@code torch.manual_seed}). Access to
 * the master is synchronized, so layers may be built on several threads; the weights are then deterministic
 * only if the construction order is. {@link #withDefaultRng(Rng, Supplier)} gives one thread a generator of its own
 * for the length of a call (reproducible builds that do not touch the master).
 *
 * <pre>{@code
 * Rng rng = new Rng(0);
 * Tensor w = Tensors.zeros(256, 128);
 * Init.xavierUniform(w, Init.calculateGain("tanh", null), rng);   // U(-a, a), a = gain·√(6/(fan_in+fan_out))
 * Init.kaimingNormal(w, 0, "fan_out", "relu", rng);              // N(0, (√2/√fan_out)²)
 * }</pre>
 */
public final class Init {
    private static Rng master = new Rng(Rng.DEFAULT_SEED);
    /** The generator {@link #withDefaultRng} put in place of the master on this thread, or null. */
    private static final ThreadLocal<Rng> SCOPED = new ThreadLocal<>();

    private Init() {
    }

    // ------------------------------------------------------------------------------------------------
    // The process-wide default generator

    /**
     * A generator for code that was given none (layers built without an {@link Rng}). Each call returns a new
     * generator split from the process-wide master (advancing the master by one draw), so the returned
     * generator may be used freely by one thread. After {@link #manualSeed(long)} the sequence of generators
     * handed out is fully determined by the seed.
     *
     * @return a fresh generator derived from the default one
     */
    public static Rng defaultRng() {
        Rng scoped = SCOPED.get();
        if (scoped != null) {
            return scoped.split();
        }
        synchronized (Init.class) {
            return master.split();
        }
    }

    /**
     * Runs {@code body} with this thread's default generator replaced by {@code rng}: every {@link #defaultRng()}
     * call on this thread inside it splits from {@code rng} instead of the process-wide master, which is neither
     * read nor changed. With {@code new Rng(seed)} the generators handed out are exactly those after
     * {@code manualSeed(seed)}, so a model built inside gets the same weights, without touching what other threads
     * (or later code on this one) draw: two models may be built at once on two threads, each reproducibly.
     *
     * @param <T>  what the body returns
     * @param rng  the generator to split from, used by this thread only during the call
     * @param body the code to run, e.g. the construction of a network
     * @return what the body returned
     */
    public static <T> T withDefaultRng(Rng rng, Supplier<T> body) {
        Rng outer = SCOPED.get();
        SCOPED.set(rng);
        try {
            return body.get();
        } finally {
            if (outer == null) {
                SCOPED.remove();
            } else {
                SCOPED.set(outer);
            }
        }
    }

    /**
     * Reseeds the process-wide default generator, like {@code torch.manual_seed}. Initially it is seeded with
     * {@link Rng#DEFAULT_SEED}.
     *
     * @param seed the new seed
     */
    public static void manualSeed(long seed) {
        synchronized (Init.class) {
            master = new Rng(seed);
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Fans and gains

    /**
     * The fan-in of a weight tensor: {@code shape[1] · prod(shape[2:])}, as PyTorch computes it.
     *
     * @param t a tensor with at least 2 dims
     * @return the number of inputs feeding one output unit
     * @throws IllegalArgumentException for fewer than 2 dims
     */
    public static int fanIn(Tensor t) {
        int r = receptiveField("fanIn", t);
        return t.shape()[1] * r;
    }

    /**
     * The fan-out of a weight tensor: {@code shape[0] · prod(shape[2:])}, as PyTorch computes it.
     *
     * @param t a tensor with at least 2 dims
     * @return the number of outputs fed by one input unit
     * @throws IllegalArgumentException for fewer than 2 dims
     */
    public static int fanOut(Tensor t) {
        int r = receptiveField("fanOut", t);
        return t.shape()[0] * r;
    }

    private static int receptiveField(String op, Tensor t) {
        int[] s = t.shape();
        if (s.length < 2) {
            throw new IllegalArgumentException("Init." + op + ": fan in and fan out can not be computed for a tensor "
                    + "with fewer than 2 dimensions, got shape " + Arrays.toString(s));
        }
        int r = 1;
        for (int d = 2; d < s.length; d++) {
            r *= s[d];
        }
        return r;
    }

    /**
     * The recommended gain for a nonlinearity, as PyTorch's {@code calculate_gain}: 1 for {@code linear},
     * {@code conv1d}, {@code conv2d}, {@code conv3d}, {@code conv_transpose1d/2d/3d} and {@code sigmoid};
     * 5/3 for {@code tanh}; √2 for {@code relu}; √(2 / (1 + slope²)) for {@code leaky_relu} (slope
     * {@code param}, default 0.01); 3/4 for {@code selu}.
     *
     * @param nonlinearity the PyTorch name of the nonlinearity
     * @param param        the negative slope for {@code leaky_relu}, or null for its default 0.01; ignored
     *                     otherwise
     * @return the gain
     * @throws IllegalArgumentException for an unknown name
     */
    public static double calculateGain(String nonlinearity, Double param) {
        switch (nonlinearity == null ? "" : nonlinearity) {
            case "linear":
            case "conv1d":
            case "conv2d":
            case "conv3d":
            case "conv_transpose1d":
            case "conv_transpose2d":
            case "conv_transpose3d":
            case "sigmoid":
                return 1.0;
            case "tanh":
                return 5.0 / 3.0;
            case "relu":
                return Math.sqrt(2.0);
            case "leaky_relu": {
                double slope = param == null ? 0.01 : param;
                if (!Double.isFinite(slope)) {
                    throw new IllegalArgumentException("Init.calculateGain: negative slope " + slope
                            + " is not a valid number");
                }
                return Math.sqrt(2.0 / (1 + slope * slope));
            }
            case "selu":
                return 3.0 / 4.0;
            default:
                throw new IllegalArgumentException("Init.calculateGain: unsupported nonlinearity '" + nonlinearity
                        + "' (expected linear, conv1d, conv2d, conv3d, conv_transpose1d, conv_transpose2d, "
                        + "conv_transpose3d, sigmoid, tanh, relu, leaky_relu or selu)");
        }
    }

    /**
     * The recommended gain with the nonlinearity's default parameter: {@code calculateGain(nonlinearity, null)}.
     *
     * @param nonlinearity the PyTorch name of the nonlinearity
     * @return the gain
     */
    public static double calculateGain(String nonlinearity) {
        return calculateGain(nonlinearity, null);
    }

    // ------------------------------------------------------------------------------------------------
    // Basic distributions and constants

    /**
     * Fills {@code t} with samples of the uniform distribution {@code U(lo, hi)}.
     *
     * @param t   the floating-point tensor to overwrite
     * @param lo  the lower bound (inclusive)
     * @param hi  the upper bound, at least {@code lo}
     * @param rng the random source
     * @return {@code t}
     */
    public static Tensor uniform(Tensor t, double lo, double hi, Rng rng) {
        if (!(lo <= hi) || !Double.isFinite(lo) || !Double.isFinite(hi)) {
            throw new IllegalArgumentException("Init.uniform: expected finite lo <= hi, got lo=" + lo + ", hi=" + hi);
        }
        requireFloat("uniform", t);
        double[] v = new double[t.numel()];
        for (int i = 0; i < v.length; i++) {
            v[i] = lo + (hi - lo) * rng.nextDouble();
        }
        return write(t, v);
    }

    /**
     * Fills {@code t} with samples of the normal distribution {@code N(mean, std²)}.
     *
     * @param t    the floating-point tensor to overwrite
     * @param mean the mean
     * @param std  the standard deviation, non-negative
     * @param rng  the random source
     * @return {@code t}
     */
    public static Tensor normal(Tensor t, double mean, double std, Rng rng) {
        if (!(std >= 0) || !Double.isFinite(std) || !Double.isFinite(mean)) {
            throw new IllegalArgumentException("Init.normal: expected a finite mean and std >= 0, got mean=" + mean
                    + ", std=" + std);
        }
        requireFloat("normal", t);
        double[] v = new double[t.numel()];
        for (int i = 0; i < v.length; i++) {
            v[i] = mean + std * rng.nextGaussian();
        }
        return write(t, v);
    }

    /**
     * Sets every element of {@code t} to {@code value}.
     *
     * @param t     the tensor to overwrite
     * @param value the value
     * @return {@code t}
     */
    public static Tensor constant(Tensor t, double value) {
        try (Grad.Scope g = Grad.disabled()) {
            t.fill(value);
        }
        return t;
    }

    /**
     * Sets every element of {@code t} to 0.
     *
     * @param t the tensor to overwrite
     * @return {@code t}
     */
    public static Tensor zeros(Tensor t) {
        return constant(t, 0.0);
    }

    /**
     * Sets every element of {@code t} to 1.
     *
     * @param t the tensor to overwrite
     * @return {@code t}
     */
    public static Tensor ones(Tensor t) {
        return constant(t, 1.0);
    }

    // ------------------------------------------------------------------------------------------------
    // Xavier (Glorot) and Kaiming (He)

    /**
     * Xavier/Glorot uniform initialisation: {@code U(-a, a)} with
     * {@code a = gain · √(6 / (fan_in + fan_out))}, so the standard deviation is
     * {@code gain · √(2 / (fan_in + fan_out))}. PyTorch's default gain is 1.
     *
     * @param t    a tensor with at least 2 dims
     * @param gain the scaling factor, e.g. from {@link #calculateGain(String, Double)}
     * @param rng  the random source
     * @return {@code t}
     */
    public static Tensor xavierUniform(Tensor t, double gain, Rng rng) {
        int fanIn = fanIn(t);
        int fanOut = fanOut(t);
        if (t.numel() == 0) {
            return t;
        }
        double a = gain * Math.sqrt(6.0 / (fanIn + fanOut));
        return uniform(t, -a, a, rng);
    }

    /**
     * Xavier/Glorot normal initialisation: {@code N(0, std²)} with {@code std = gain · √(2 / (fan_in + fan_out))}.
     * PyTorch's default gain is 1.
     *
     * @param t    a tensor with at least 2 dims
     * @param gain the scaling factor
     * @param rng  the random source
     * @return {@code t}
     */
    public static Tensor xavierNormal(Tensor t, double gain, Rng rng) {
        int fanIn = fanIn(t);
        int fanOut = fanOut(t);
        if (t.numel() == 0) {
            return t;
        }
        return normal(t, 0.0, gain * Math.sqrt(2.0 / (fanIn + fanOut)), rng);
    }

    /**
     * Kaiming/He uniform initialisation: {@code U(-bound, bound)} with {@code bound = √3 · gain / √fan}, where
     * {@code gain = calculateGain(nonlinearity, a)} and {@code fan} is the fan-in or fan-out. PyTorch's defaults
     * are {@code a = 0}, {@code "fan_in"}, {@code "leaky_relu"}. {@code Linear} and convolutions use
     * {@code a = √5}, which gives {@code bound = 1/√fan_in}.
     *
     * @param t            a tensor with at least 2 dims
     * @param a            the negative slope of the rectifier after this layer (for {@code leaky_relu})
     * @param fanMode      {@code "fan_in"} (preserves the forward variance) or {@code "fan_out"} (the backward)
     * @param nonlinearity the PyTorch name of the nonlinearity, {@code "relu"} or {@code "leaky_relu"} advised
     * @param rng          the random source
     * @return {@code t}
     */
    public static Tensor kaimingUniform(Tensor t, double a, String fanMode, String nonlinearity, Rng rng) {
        double std = kaimingStd("kaimingUniform", t, a, fanMode, nonlinearity);
        if (t.numel() == 0) {
            return t;
        }
        double bound = Math.sqrt(3.0) * std;
        return uniform(t, -bound, bound, rng);
    }

    /**
     * Kaiming/He uniform initialisation with PyTorch's defaults ({@code a = 0}, {@code "fan_in"},
     * {@code "leaky_relu"}): {@code U(±√6/√fan_in)} up to the leaky slope 0.
     *
     * @param t   a tensor with at least 2 dims
     * @param rng the random source
     * @return {@code t}
     */
    public static Tensor kaimingUniform(Tensor t, Rng rng) {
        return kaimingUniform(t, 0.0, "fan_in", "leaky_relu", rng);
    }

    /**
     * Kaiming/He normal initialisation: {@code N(0, std²)} with {@code std = gain / √fan}, where
     * {@code gain = calculateGain(nonlinearity, a)}. PyTorch's defaults are {@code a = 0}, {@code "fan_in"},
     * {@code "leaky_relu"}.
     *
     * @param t            a tensor with at least 2 dims
     * @param a            the negative slope of the rectifier after this layer (for {@code leaky_relu})
     * @param fanMode      {@code "fan_in"} or {@code "fan_out"}
     * @param nonlinearity the PyTorch name of the nonlinearity
     * @param rng          the random source
     * @return {@code t}
     */
    public static Tensor kaimingNormal(Tensor t, double a, String fanMode, String nonlinearity, Rng rng) {
        double std = kaimingStd("kaimingNormal", t, a, fanMode, nonlinearity);
        if (t.numel() == 0) {
            return t;
        }
        return normal(t, 0.0, std, rng);
    }

    /**
     * Kaiming/He normal initialisation with PyTorch's defaults ({@code a = 0}, {@code "fan_in"},
     * {@code "leaky_relu"}): {@code std = √2/√fan_in}.
     *
     * @param t   a tensor with at least 2 dims
     * @param rng the random source
     * @return {@code t}
     */
    public static Tensor kaimingNormal(Tensor t, Rng rng) {
        return kaimingNormal(t, 0.0, "fan_in", "leaky_relu", rng);
    }

    private static double kaimingStd(String op, Tensor t, double a, String fanMode, String nonlinearity) {
        int fan;
        if ("fan_in".equals(fanMode)) {
            fan = fanIn(t);
        } else if ("fan_out".equals(fanMode)) {
            fan = fanOut(t);
        } else {
            throw new IllegalArgumentException("Init." + op + ": fan mode '" + fanMode
                    + "' not supported, expected \"fan_in\" or \"fan_out\"");
        }
        double gain = calculateGain(nonlinearity, a);
        return fan == 0 ? 0.0 : gain / Math.sqrt(fan);
    }

    // ------------------------------------------------------------------------------------------------

    private static void requireFloat(String op, Tensor t) {
        if (!t.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException("Init." + op + ": expected a floating-point tensor, got "
                    + t.dtype().toString().toLowerCase(Locale.ROOT));
        }
    }

    private static Tensor write(Tensor t, double[] values) {
        try (Grad.Scope g = Grad.disabled()) {
            t.copyFrom(Tensors.of(values).reshape(t.shape()));
        }
        return t;
    }
}
