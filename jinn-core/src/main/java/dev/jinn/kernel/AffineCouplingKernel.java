package dev.jinn.kernel;

/**
 * The clamped affine map of a coupling block in one pass over memory, forward and backward: from the raw
 * log-scale {@code r} and the shift {@code t} of a subnet,
 * <pre>
 *   s = clamp · f(r / divisor)
 *   forward:  y = e^{s} ⊙ x + t,      log-det = Σ s
 *   reverse:  y = (x − t) ⊙ e^{−s},   log-det = −Σ s
 * </pre>
 * with the sums over each sample's elements. Unfused this is seven elementwise ops and a reduction forward and
 * about twice that backward, each a pass over memory and a fresh array.
 *
 * <p>Operands are {@code samples} blocks of {@code inner} contiguous elements, each operand with its own offset
 * and stride between samples (so views of a subnet's output and of a channel split need no copy); outputs are
 * contiguous. The log-det is summed in double precision for both element types; float32 runs on the vectorised
 * float kernels of {@link FastMath} and {@link FloatExp}, float64 in scalar double arithmetic.
 */
public final class AffineCouplingKernel {
    /** The clamp function {@code f}, mapping the real line onto (−1, 1). */
    public enum Shape {
        /** {@code 0.636·atan(u)} (FrEIA's constant). */
        ATAN,
        /** {@code tanh(u)}. */
        TANH,
        /** {@code 2(σ(u) − ½)}. */
        SIGMOID;

        double value(double u) {
            return switch (this) {
                case ATAN -> 0.636 * Math.atan(u);
                case TANH -> Math.tanh(u);
                case SIGMOID -> 2.0 / (1.0 + Math.exp(-u)) - 1.0;
            };
        }

        /** {@code f'(u)}, given {@code f(u)} where that is cheaper. */
        double slope(double u, double f) {
            return switch (this) {
                case ATAN -> 0.636 / (1.0 + u * u);
                case TANH -> 1.0 - f * f;
                case SIGMOID -> 0.5 * (1.0 - f * f); // σ = (f + 1) / 2, 2σ(1 − σ) = (1 − f²) / 2
            };
        }
    }

    /** Where the operands lie: arrays (all float[] or all double[]), offsets and strides between samples. */
    public record Operands(Object x, int xo, int xs, Object raw, int ro, int rs, Object shift, int to, int ts) {
    }

    private final Shape shape;
    private final double clamp;
    private final double divisor;
    private final boolean reverse;

    /**
     * A kernel for one clamp.
     *
     * @param shape   the clamp function
     * @param clamp   the factor of {@code f}
     * @param divisor what the raw values are divided by first (1 for FrEIA's couplings, the clamp for
     *                {@code AllInOneBlock})
     * @param reverse the inverse map
     */
    public AffineCouplingKernel(Shape shape, double clamp, double divisor, boolean reverse) {
        this.shape = shape;
        this.clamp = clamp;
        this.divisor = divisor;
        this.reverse = reverse;
    }

    /**
     * The map and its log-det.
     *
     * @param samples the samples (batch rows)
     * @param inner   elements per sample
     * @param in      the operands {@code x}, {@code r}, {@code t}
     * @param y       the output, {@code samples × inner} contiguous
     * @param logDet  the log-det per sample (float[] or double[] as the operands)
     */
    public void forward(int samples, int inner, Operands in, Object y, Object logDet) {
        if (y instanceof float[] yf) {
            forwardFloats(samples, inner, in, yf, (float[]) logDet);
            return;
        }
        Parallel.forRange(samples, 4L * inner, (from, to) -> {
            for (int b = from; b < to; b++) {
                double sum = 0;
                for (int e = 0; e < inner; e++) {
                    double s = clamp * shape.value(get(in.raw(), in.ro() + b * in.rs() + e) / divisor);
                    double x = get(in.x(), in.xo() + b * in.xs() + e);
                    double t = get(in.shift(), in.to() + b * in.ts() + e);
                    sum += s;
                    set(y, b * inner + e, reverse ? (x - t) * Math.exp(-s) : Math.exp(s) * x + t);
                }
                set(logDet, b, reverse ? -sum : sum);
            }
        });
    }

    /** Elements of one block of samples gathered for the float32 kernels: 16 KB per row array. */
    private static final int BLOCK_ELEMENTS = 4096;

    /**
     * Float32, a block of samples at a time, gathered into arrays in L1: the clamp and the exponential run on the
     * array kernels ({@link FastMath}, {@link FloatExp}, vectorised), every loop indexes its arrays alike (which
     * the JIT vectorises), and outputs are written as contiguous runs.
     */
    private void forwardFloats(int samples, int inner, Operands in, float[] y, float[] logDet) {
        int per = Math.max(1, BLOCK_ELEMENTS / Math.max(1, inner));
        int blocks = (samples + per - 1) / per;
        Parallel.forRange(blocks, 4L * per * inner, (from, to) -> {
            int cap = per * inner;
            float[] s = new float[cap];
            float[] e = new float[cap];
            float[] xr = new float[cap];
            float[] tr = new float[cap];
            for (int k = from; k < to; k++) {
                int b0 = k * per;
                int m = Math.min(per, samples - b0);
                int n = m * inner;
                clampFunction(in, b0, m, inner, s);
                float c = (float) (reverse ? -clamp : clamp);
                for (int j = 0; j < n; j++) {
                    s[j] *= c;
                }
                for (int b = 0; b < m; b++) {
                    double sum = 0;
                    for (int j = b * inner; j < (b + 1) * inner; j++) {
                        sum += s[j];
                    }
                    logDet[b0 + b] = (float) sum;
                }
                FloatExp.exp(s, 0, e, 0, n);
                gather((float[]) in.x(), in.xo(), in.xs(), b0, m, inner, xr);
                gather((float[]) in.shift(), in.to(), in.ts(), b0, m, inner, tr);
                if (reverse) {
                    for (int j = 0; j < n; j++) {
                        xr[j] = (xr[j] - tr[j]) * e[j];
                    }
                } else {
                    for (int j = 0; j < n; j++) {
                        xr[j] = e[j] * xr[j] + tr[j];
                    }
                }
                System.arraycopy(xr, 0, y, b0 * inner, n);
            }
        });
    }

    /** Samples {@code b0 .. b0+m-1} of an operand, {@code inner} elements each, packed into {@code dst}. */
    private static void gather(float[] src, int offset, int stride, int b0, int m, int inner, float[] dst) {
        if (stride == inner) {
            System.arraycopy(src, offset + b0 * stride, dst, 0, m * inner);
        } else if (inner == 1) {
            for (int b = 0; b < m; b++) {
                dst[b] = src[offset + (b0 + b) * stride];
            }
        } else {
            for (int b = 0; b < m; b++) {
                System.arraycopy(src, offset + (b0 + b) * stride, dst, b * inner, inner);
            }
        }
    }

    /** {@code f(raw / divisor)} of samples {@code b0 .. b0+m-1} into {@code f} (float32). */
    private void clampFunction(Operands in, int b0, int m, int inner, float[] f) {
        int n = m * inner;
        gather((float[]) in.raw(), in.ro(), in.rs(), b0, m, inner, f);
        if (divisor != 1) {
            float inv = (float) (1 / divisor);
            for (int j = 0; j < n; j++) {
                f[j] *= inv;
            }
        }
        switch (shape) {
            case TANH -> FastMath.tanh(f, 0, f, 0, n);
            case SIGMOID -> {
                FastMath.sigmoid(f, 0, f, 0, n);
                for (int j = 0; j < n; j++) {
                    f[j] = 2 * f[j] - 1;
                }
            }
            case ATAN -> {
                for (int j = 0; j < n; j++) {
                    f[j] = (float) (0.636 * Math.atan(f[j]));
                }
            }
        }
    }

    /**
     * The gradients of the three operands from those of the output and the log-det.
     *
     * @param samples the samples
     * @param inner   elements per sample
     * @param in      the operands as given to {@link #forward}; in reverse, {@code x} must be the forward's
     *                output instead (offset and stride as it lies)
     * @param gy      the output's gradient, contiguous
     * @param gLogDet the log-det's gradient per sample
     * @param gx      where the gradient of {@code x} goes (contiguous), or null
     * @param gRaw    where the gradient of {@code r} goes, or null
     * @param gShift  where the gradient of {@code t} goes, or null
     */
    public void backward(int samples, int inner, Operands in, Object gy, Object gLogDet, Object gx, Object gRaw,
            Object gShift) {
        if (gy instanceof float[] g) {
            backwardFloats(samples, inner, in, g, (float[]) gLogDet, (float[]) gx, (float[]) gRaw, (float[]) gShift);
            return;
        }
        Parallel.forRange(samples, 6L * inner, (from, to) -> {
            for (int b = from; b < to; b++) {
                double gl = get(gLogDet, b);
                for (int e = 0; e < inner; e++) {
                    int p = b * inner + e;
                    double u = get(in.raw(), in.ro() + b * in.rs() + e) / divisor;
                    double f = shape.value(u);
                    double ds = clamp * shape.slope(u, f) / divisor;
                    double g = get(gy, p);
                    // Forward: x is the input, scale e^{s}. Reverse: x is the output, scale e^{-s}.
                    double scale = Math.exp(reverse ? -clamp * f : clamp * f);
                    double x = get(in.x(), in.xo() + b * in.xs() + e);
                    if (gx != null) {
                        set(gx, p, g * scale);
                    }
                    if (gShift != null) {
                        set(gShift, p, reverse ? -g * scale : g);
                    }
                    if (gRaw != null) {
                        set(gRaw, p, reverse ? (-g * x - gl) * ds : (g * x * scale + gl) * ds);
                    }
                }
            }
        });
    }

    /** Float32, block by block as {@link #forwardFloats}. */
    private void backwardFloats(int samples, int inner, Operands in, float[] gy, float[] gLogDet, float[] gx,
            float[] gRaw, float[] gShift) {
        float c = (float) clamp;
        float slopeFactor = (float) (clamp / divisor);
        int per = Math.max(1, BLOCK_ELEMENTS / Math.max(1, inner));
        int blocks = (samples + per - 1) / per;
        Parallel.forRange(blocks, 6L * per * inner, (from, to) -> {
            int cap = per * inner;
            float[] f = new float[cap];
            float[] scale = new float[cap];
            float[] u = new float[cap];
            float[] xr = new float[cap];
            float[] g = new float[cap];
            float[] gl = new float[cap];
            for (int k = from; k < to; k++) {
                int b0 = k * per;
                int m = Math.min(per, samples - b0);
                int n = m * inner;
                int p = b0 * inner;
                clampFunction(in, b0, m, inner, f);
                for (int j = 0; j < n; j++) {
                    scale[j] = reverse ? -c * f[j] : c * f[j];
                }
                FloatExp.exp(scale, 0, scale, 0, n);
                System.arraycopy(gy, p, g, 0, n);
                if (gx != null) {
                    for (int j = 0; j < n; j++) {
                        u[j] = g[j] * scale[j];
                    }
                    System.arraycopy(u, 0, gx, p, n);
                }
                if (gShift != null) {
                    if (reverse) {
                        for (int j = 0; j < n; j++) {
                            u[j] = -g[j] * scale[j];
                        }
                        System.arraycopy(u, 0, gShift, p, n);
                    } else {
                        System.arraycopy(g, 0, gShift, p, n);
                    }
                }
                if (gRaw == null) {
                    continue;
                }
                // f'(u): from f for tanh and sigmoid, from u itself for atan.
                if (shape == Shape.ATAN) {
                    gather((float[]) in.raw(), in.ro(), in.rs(), b0, m, inner, u);
                    float inv = (float) (1 / divisor);
                    for (int j = 0; j < n; j++) {
                        float v = u[j] * inv;
                        u[j] = 0.636f / (1 + v * v);
                    }
                } else {
                    float h = shape == Shape.TANH ? 1f : 0.5f;
                    for (int j = 0; j < n; j++) {
                        u[j] = h * (1 - f[j] * f[j]);
                    }
                }
                for (int b = 0; b < m; b++) {
                    java.util.Arrays.fill(gl, b * inner, (b + 1) * inner, gLogDet[b0 + b]);
                }
                gather((float[]) in.x(), in.xo(), in.xs(), b0, m, inner, xr);
                if (reverse) {
                    for (int j = 0; j < n; j++) {
                        u[j] = (-g[j] * xr[j] - gl[j]) * u[j] * slopeFactor;
                    }
                } else {
                    for (int j = 0; j < n; j++) {
                        u[j] = (g[j] * xr[j] * scale[j] + gl[j]) * u[j] * slopeFactor;
                    }
                }
                System.arraycopy(u, 0, gRaw, p, n);
            }
        });
    }

    private static double get(Object a, int i) {
        return a instanceof float[] f ? f[i] : ((double[]) a)[i];
    }

    private static void set(Object a, int i, double v) {
        if (a instanceof float[] f) {
            f[i] = (float) v;
        } else {
            ((double[]) a)[i] = v;
        }
    }
}
