package dev.jinn.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jinn.tensor.DType;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The pool-split paths of elementwise ops and reductions give exactly the bits of the single-threaded path, and
 * the table-driven float32 kernels round to the float64 reference.
 */
class ParallelTest {
    private static final int N = 300_001;
    private final int savedThreshold = Parallel.threshold();

    @AfterEach
    void restoreThreshold() {
        Parallel.setThreshold(savedThreshold);
    }

    private static float[] randomFloats(int n, double lo, double hi, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (lo + (hi - lo) * r.nextDouble());
        }
        return v;
    }

    /** The op's result with every loop split over the pool, and with every loop on the calling thread. */
    private static double[][] parallelAndSerial(Function<Tensor, Tensor> op, Tensor x) {
        Parallel.setThreshold(1);
        double[] parallel = op.apply(x).toDoubleArray();
        Parallel.setThreshold(Integer.MAX_VALUE);
        double[] serial = op.apply(x).toDoubleArray();
        return new double[][] {parallel, serial};
    }

    private static void assertSameBits(Function<Tensor, Tensor> op, Tensor x) {
        double[][] r = parallelAndSerial(op, x);
        assertThat(r[0]).hasSameSizeAs(r[1]);
        for (int i = 0; i < r[0].length; i++) {
            if (Double.doubleToRawLongBits(r[0][i]) != Double.doubleToRawLongBits(r[1][i])) {
                throw new AssertionError("element " + i + ": parallel " + r[0][i] + " != serial " + r[1][i]);
            }
        }
    }

    @Test
    void aLoopInsideARangeOfASplitLoopRunsOnItsThreadAndEveryItemRunsOnce() {
        int blocks = 64;
        java.util.concurrent.atomic.AtomicIntegerArray done = new java.util.concurrent.atomic.AtomicIntegerArray(blocks);
        java.util.concurrent.atomic.AtomicBoolean nestedSplit = new java.util.concurrent.atomic.AtomicBoolean();
        Parallel.forRange(blocks, Parallel.CHUNK, (from, to) -> {
            for (int b = from; b < to; b++) {
                nestedSplit.compareAndSet(false, Parallel.splits(Long.MAX_VALUE));
                done.incrementAndGet(b);
            }
        });
        for (int b = 0; b < blocks; b++) {
            assertThat(done.get(b)).as("block %d", b).isEqualTo(1);
        }
        assertThat(nestedSplit.get()).isEqualTo(false);
        // Outside any split loop, huge work is split again (when there is a pool).
        assertThat(Parallel.splits(Long.MAX_VALUE)).isEqualTo(Threads.pool() != null);
    }

    @Test
    void largeElementwiseOpsMatchTheSerialPath() {
        Tensor x = Tensors.of(randomFloats(N, -6, 6, 1), N);
        Tensor y = Tensors.of(randomFloats(N, -6, 6, 2), N);
        Tensor m = Tensors.of(randomFloats(1000 * 301, -3, 3, 3), 1000, 301);
        Tensor row = Tensors.of(randomFloats(301, -3, 3, 4), 301);
        for (Function<Tensor, Tensor> op : java.util.List.<Function<Tensor, Tensor>>of(
                Tensor::exp, Tensor::expm1, Tensor::tanh, Tensor::sigmoid, Tensor::relu, t -> t.abs().log(),
                t -> t.add(y), t -> t.mul(2.5), t -> t.to(DType.FLOAT64).exp(), t -> t.to(DType.FLOAT64))) {
            assertSameBits(op, x);
        }
        // Broadcast, strided and transposed operands.
        assertSameBits(t -> t.add(row), m);
        assertSameBits(t -> t.transpose(0, 1).contiguous(), m);
        assertSameBits(t -> t.transpose(0, 1).exp(), m);
        assertSameBits(t -> t.transpose(0, 1).mul(t.transpose(0, 1)), m);
        assertSameBits(t -> t.transpose(0, 1).add(row.reshape(301, 1).to(DType.FLOAT64)), m);
    }

    @Test
    void largeReductionsMatchTheSerialPath() {
        Tensor x = Tensors.of(randomFloats(N, -1, 3, 5), N);
        Tensor narrow = Tensors.of(randomFloats(50_000 * 7, -1, 3, 6), 50_000, 7);
        Tensor wide = Tensors.of(randomFloats(3000 * 150, -1, 3, 7), 3000, 150);
        Tensor x64 = x.to(DType.FLOAT64);
        assertSameBits(Tensor::sum, x);
        assertSameBits(Tensor::sum, x64);
        assertSameBits(Tensor::max, x);
        for (Tensor t : new Tensor[] {narrow, wide}) {
            assertSameBits(Tensor::sum, t);
            assertSameBits(v -> v.sum(0), t);
            assertSameBits(v -> v.sum(1), t);
            assertSameBits(v -> v.transpose(0, 1).sum(1), t);
            assertSameBits(v -> v.transpose(0, 1).sum(), t);
            assertSameBits(v -> v.logsumexp(new int[] {1}, false), t);
            assertSameBits(v -> v.logsumexp(new int[] {0}, false), t);
            assertSameBits(v -> v.max(0, false).values(), t);
        }
    }

    @Test
    void largeSumsAreRepeatableAndFoldFixedChunksInOrder() {
        float[] v = randomFloats(N, -1, 3, 8);
        Tensor x = Tensors.of(v, N);
        Parallel.setThreshold(1);
        double first = x.sum().item();
        for (int i = 0; i < 20; i++) {
            assertThat(Double.doubleToRawLongBits(x.sum().item())).isEqualTo(Double.doubleToRawLongBits(first));
        }
        // The documented order: left-to-right sums of CHUNK elements, added in chunk order, then rounded.
        double total = 0;
        for (int c = 0; c < N; c += Parallel.CHUNK) {
            double s = 0;
            for (int i = c; i < Math.min(N, c + Parallel.CHUNK); i++) {
                s += v[i];
            }
            total += s;
        }
        assertThat((float) first).isEqualTo((float) total);
        // A non-contiguous view takes the copying path and must fold the same way.
        Tensor t = Tensors.of(v, N, 1).transpose(0, 1);
        assertThat(t.sum().item()).isEqualTo(first);
    }

    @Test
    void sumsOfAtMostOneChunkAreLeftToRight() {
        float[] v = randomFloats(Parallel.CHUNK, -1, 3, 9);
        double s = 0;
        for (float f : v) {
            s += f;
        }
        assertThat(Tensors.of(v, v.length).sum().item()).isEqualTo((double) (float) s);
    }

    /** Calls a float32 array kernel on {@code x}, one element per slot. */
    private interface FloatKernel {
        void apply(float[] x, int xo, float[] out, int oo, int n);
    }

    /** Number of results that differ from the float64 reference rounded to float; all must be within an ulp. */
    private static int mismatches(FloatKernel kernel, DoubleUnaryOperator reference, float[] x) {
        float[] out = new float[x.length];
        kernel.apply(x, 0, out, 0, x.length);
        int bad = 0;
        for (int i = 0; i < x.length; i++) {
            float want = (float) reference.applyAsDouble(x[i]);
            if (Float.floatToRawIntBits(out[i]) != Float.floatToRawIntBits(want)) {
                bad++;
                assertThat(Math.abs(out[i] - want)).as("x = %s", x[i]).isLessThanOrEqualTo(Math.ulp(want));
            }
        }
        return bad;
    }

    private static final int MILLION = 1 << 20;

    @Test
    void float32KernelsRoundTheFloat64ReferenceOverAMillionValues() {
        assertThat(mismatches(FastMath::expm1, Math::expm1, randomFloats(MILLION, -40, 95, 13)))
                .isLessThanOrEqualTo(4);
        assertThat(mismatches(FastMath::expm1, Math::expm1, randomFloats(MILLION, -0.02, 0.02, 14)))
                .isLessThanOrEqualTo(4);
        assertThat(mismatches(FastMath::tanh, Math::tanh, randomFloats(MILLION, -12, 12, 15)))
                .isLessThanOrEqualTo(4);
        assertThat(mismatches(FastMath::tanh, Math::tanh, randomFloats(MILLION, -0.01, 0.01, 16)))
                .isLessThanOrEqualTo(4);
        assertThat(mismatches(FastMath::sigmoid, v -> 1.0 / (1.0 + Math.exp(-v)), randomFloats(MILLION, -110, 110,
                17))).isLessThanOrEqualTo(4);
        assertThat(mismatches(FastMath::log, Math::log, randomFloats(MILLION, 0, 3, 18))).isLessThanOrEqualTo(4);
        assertThat(mismatches(FastMath::log, Math::log, randomFloats(MILLION, 0.999, 1.001, 19)))
                .isLessThanOrEqualTo(4);
        // Every float exponent: random bit patterns of positive finite floats, subnormals included.
        SplittableRandom r = new SplittableRandom(20);
        float[] any = new float[MILLION];
        for (int i = 0; i < any.length; i++) {
            any[i] = Float.intBitsToFloat(r.nextInt(0x7F800000));
        }
        assertThat(mismatches(FastMath::log, Math::log, any)).isLessThanOrEqualTo(4);
    }

    private static float apply(FloatKernel kernel, float v) {
        float[] out = new float[1];
        kernel.apply(new float[] {v}, 0, out, 0, 1);
        return out[0];
    }

    @Test
    void float32KernelEdgeCasesFollowIeee() {
        float nan = Float.NaN;
        float inf = Float.POSITIVE_INFINITY;
        FloatKernel[] all = {FloatExp::exp, FastMath::expm1, FastMath::tanh, FastMath::sigmoid, FastMath::log};
        for (FloatKernel k : all) {
            assertThat(apply(k, nan)).isNaN();
        }
        assertThat(apply(FastMath::expm1, inf)).isEqualTo(inf);
        assertThat(apply(FastMath::expm1, -inf)).isEqualTo(-1f);
        assertThat(Float.floatToRawIntBits(apply(FastMath::expm1, -0f))).isEqualTo(Float.floatToRawIntBits(-0f));
        assertThat(apply(FastMath::expm1, Float.MIN_VALUE)).isEqualTo(Float.MIN_VALUE);
        assertThat(apply(FastMath::expm1, -Float.MIN_NORMAL)).isEqualTo(-Float.MIN_NORMAL);
        assertThat(apply(FastMath::expm1, 88.72284f)).isEqualTo(inf);
        assertThat(apply(FastMath::tanh, inf)).isEqualTo(1f);
        assertThat(apply(FastMath::tanh, -inf)).isEqualTo(-1f);
        assertThat(Float.floatToRawIntBits(apply(FastMath::tanh, -0f))).isEqualTo(Float.floatToRawIntBits(-0f));
        assertThat(apply(FastMath::tanh, -Float.MIN_VALUE)).isEqualTo(-Float.MIN_VALUE);
        assertThat(apply(FastMath::tanh, 9.0f)).isEqualTo((float) Math.tanh(9.0));
        assertThat(apply(FastMath::sigmoid, inf)).isEqualTo(1f);
        assertThat(apply(FastMath::sigmoid, -inf)).isEqualTo(0f);
        assertThat(apply(FastMath::sigmoid, -0f)).isEqualTo(0.5f);
        assertThat(apply(FastMath::sigmoid, -89f)).isEqualTo((float) Math.exp(-89.0)).isPositive();
        assertThat(apply(FastMath::sigmoid, -104.5f)).isEqualTo(0f);
        assertThat(apply(FastMath::log, 0f)).isEqualTo(-inf);
        assertThat(apply(FastMath::log, -0f)).isEqualTo(-inf);
        assertThat(apply(FastMath::log, -1f)).isNaN();
        assertThat(apply(FastMath::log, inf)).isEqualTo(inf);
        assertThat(apply(FastMath::log, 1f)).isEqualTo(0f);
        assertThat(apply(FastMath::log, Float.MIN_VALUE)).isEqualTo((float) Math.log(Float.MIN_VALUE));
        assertThat(apply(FastMath::log, Float.MAX_VALUE)).isEqualTo((float) Math.log(Float.MAX_VALUE));
        assertThat(apply(FastMath::log, Math.nextDown(1f))).isEqualTo((float) Math.log(Math.nextDown(1f)));
        assertThat(apply(FastMath::log, Math.nextUp(1f))).isEqualTo((float) Math.log(Math.nextUp(1f)));
    }
}
