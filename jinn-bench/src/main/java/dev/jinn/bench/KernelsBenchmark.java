package dev.jinn.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import dev.jinn.kernel.Threads;
import dev.jinn.tensor.Convolutions;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.TensorScope;
import dev.jinn.tensor.Tensors;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * The {@code kernels} suite: jinn's large kernels next to libtorch's, both in the same JVM build, with the
 * same operands shapes and the same thread count.
 *
 * <p>libtorch comes through DJL's PyTorch engine with the CPU binaries bundled in the benchmark jar, in offline
 * mode (nothing is downloaded). {@link BenchMain} passes the thread count to each forked JVM as
 * {@code -Djinn.threads=N} and {@code -Dai.djl.pytorch.num_threads=N}; the setup checks that both took it.
 *
 * <p>The cases, all float32 (gemm {@code MxKxN} is {@code [M,K] x [K,N]}):
 * <ul>
 *   <li>{@code gemm_1024x1024x1024}, {@code gemm_256x512x784}, {@code gemm_100x512x2},
 *       {@code gemm_100x1x512}: one matrix product, result discarded;</li>
 *   <li>{@code conv2d_8x16x32x32_k3_c256_fwdbwd}: input {@code [8,16,32,32]}, weight {@code [256,16,3,3]},
 *       no bias, stride 1, padding 1, then backward of a ones gradient into the input and the weight (the
 *       leaves' gradients accumulate across calls in both libraries, as two {@code backward()} calls do in
 *       PyTorch);</li>
 *   <li>{@code exp_1M}: elementwise exp of 1,048,576 values.</li>
 * </ul>
 *
 * <p>Each case runs in its own fork per library; a jinn fork never loads libtorch. Before a libtorch fork
 * measures, it computes the case once in both libraries and fails unless the results (and for conv2d the
 * gradients) agree, so both sides do the same work. Every call is timed on its own ({@link Mode#SampleTime});
 * {@code ./bench kernels} reports the median.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 1, timeUnit = TimeUnit.SECONDS)
@Fork(1)
@State(Scope.Thread)
public class KernelsBenchmark {
    /** The cases in the order their lines are printed; each is a value of {@link #kernel}. */
    static final List<String> CASES = List.of("gemm_1024x1024x1024", "gemm_256x512x784", "gemm_100x512x2",
            "gemm_100x1x512", "conv2d_8x16x32x32_k3_c256_fwdbwd", "exp_1M");

    /** The benchmark methods, one per library. */
    static final List<String> LIBRARIES = List.of("jinn", "torch");

    /** The case this fork measures. */
    @Param({"gemm_1024x1024x1024", "gemm_256x512x784", "gemm_100x512x2", "gemm_100x1x512",
            "conv2d_8x16x32x32_k3_c256_fwdbwd", "exp_1M"})
    public String kernel;

    private static final int EXP_SIZE = 1 << 20;
    private static final int[] CONV_INPUT = {8, 16, 32, 32};
    private static final int[] CONV_WEIGHT = {256, 16, 3, 3};
    private static final int[] ONES2 = {1, 1};

    private Op op;

    // jinn operands
    private Tensor ja;
    private Tensor jb;
    private Tensor jOnes;

    // libtorch operands, owned by one manager for the whole fork
    private NDManager manager;
    private NDArray ta;
    private NDArray tb;
    private Engine engine;

    private enum Op { GEMM, CONV, EXP }

    /**
     * Creates the operands of {@link #kernel} for the library of the running benchmark method, from a fixed
     * seed (libtorch gets a copy of jinn's values).
     *
     * @param params the running benchmark, to tell which library it measures
     */
    @Setup
    public void setUp(BenchmarkParams params) {
        String benchmark = params.getBenchmark();
        boolean torch = benchmark.endsWith(".torch");
        Rng rng = new Rng(42);
        if (kernel.startsWith("gemm_")) {
            String[] mkn = kernel.substring("gemm_".length()).split("x");
            int m = Integer.parseInt(mkn[0]);
            int k = Integer.parseInt(mkn[1]);
            int n = Integer.parseInt(mkn[2]);
            op = Op.GEMM;
            ja = Tensors.randn(rng, m, k);
            jb = Tensors.randn(rng, k, n);
        } else if (kernel.startsWith("conv2d_")) {
            op = Op.CONV;
            ja = Tensors.randn(rng, CONV_INPUT);
            jb = Tensors.randn(rng, CONV_WEIGHT).mul(1.0 / Math.sqrt(16 * 9));
            jOnes = Tensors.ones(8, 256, 32, 32);
        } else if (kernel.equals("exp_1M")) {
            op = Op.EXP;
            ja = Tensors.randn(rng, EXP_SIZE);
        } else {
            throw new IllegalArgumentException("unknown kernel case: " + kernel);
        }
        if (torch) {
            setUpTorch();
            ja = null;
            jb = null;
            jOnes = null;
        } else {
            if (op == Op.CONV) {
                ja.requiresGrad(true);
                jb.requiresGrad(true);
            }
            checkThreads("jinn.threads", Threads.count());
        }
    }

    private void setUpTorch() {
        engine = Engine.getEngine("PyTorch");
        manager = engine.newBaseManager();
        checkThreads("ai.djl.pytorch.num_threads", JniUtils.getNumThreads());
        ta = toTorch(ja);
        if (jb != null) {
            tb = toTorch(jb);
        }
        if (op == Op.CONV) {
            ta.setRequiresGradient(true);
            tb.setRequiresGradient(true);
        }
        checkAgreement();
    }

    /** Computes the case once in each library and fails unless the results agree to float32 rounding. */
    private void checkAgreement() {
        switch (op) {
            case GEMM:
                try (NDArray c = ta.matMul(tb)) {
                    agree("product", ja.matmul(jb), c.toFloatArray());
                }
                break;
            case EXP:
                try (NDArray e = ta.exp()) {
                    agree("exp", ja.exp(), e.toFloatArray());
                }
                break;
            case CONV: {
                Tensor x = ja.copy().requiresGrad(true);
                Tensor w = jb.copy().requiresGrad(true);
                Tensor y = Convolutions.conv2d(x, w, null, ONES2, ONES2, ONES2, 1);
                y.backward(jOnes);
                try (NDManager scope = manager.newSubManager()) {
                    ta.tempAttach(scope);
                    tb.tempAttach(scope);
                    try (GradientCollector collector = engine.newGradientCollector()) {
                        NDArray ty = Conv2d.conv2d(ta, tb, null, new Shape(1, 1), new Shape(1, 1),
                                new Shape(1, 1), 1).singletonOrThrow();
                        collector.backward(ty);
                        agree("conv2d output", y, ty.toFloatArray());
                    }
                    agree("conv2d input gradient", x.grad(), ta.getGradient().toFloatArray());
                    agree("conv2d weight gradient", w.grad(), tb.getGradient().toFloatArray());
                }
                break;
            }
            default:
                throw new AssertionError(op);
        }
    }

    private static void agree(String what, Tensor jinn, float[] torch) {
        float[] j = jinn.toFloatArray();
        if (j.length != torch.length) {
            throw new IllegalStateException(what + ": jinn has " + j.length + " values, libtorch " + torch.length);
        }
        double scale = 0;
        double diff = 0;
        for (int i = 0; i < j.length; i++) {
            scale = Math.max(scale, Math.abs(torch[i]));
            diff = Math.max(diff, Math.abs(j[i] - torch[i]));
        }
        if (diff > 1e-4 * Math.max(scale, 1.0)) {
            throw new IllegalStateException(what + ": jinn and libtorch differ by up to " + diff
                    + " (largest magnitude " + scale + ")");
        }
    }

    private NDArray toTorch(Tensor t) {
        long[] shape = new long[t.dim()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = t.size(i);
        }
        NDArray a = manager.create(t.toFloatArray(), new Shape(shape));
        if (a.getDataType() != DataType.FLOAT32) {
            throw new IllegalStateException("expected a float32 libtorch tensor, got " + a.getDataType());
        }
        return a;
    }

    /** Fails the fork when a library runs on another thread count than the one asked for. */
    private static void checkThreads(String property, int actual) {
        String wanted = System.getProperty(property);
        if (wanted != null && Integer.parseInt(wanted.trim()) != actual) {
            throw new IllegalStateException(property + "=" + wanted + " but the library runs " + actual
                    + " threads");
        }
    }

    /** Frees libtorch's operands. */
    @TearDown
    public void tearDown() {
        if (manager != null) {
            manager.close();
            manager = null;
        }
    }

    /**
     * The case in jinn, in a {@link TensorScope} as a training step runs: the result and every intermediate are
     * closed before it returns and their storages serve the next call, as libtorch's freed arrays serve its next
     * call (for conv2d the gradients land in the leaves, which live outside the scope).
     *
     * @return the result's element count (the tensor itself is already closed)
     */
    @Benchmark
    public long jinn() {
        try (TensorScope scope = Tensors.scope()) {
            switch (op) {
                case GEMM:
                    return ja.matmul(jb).numel();
                case CONV: {
                    Tensor y = Convolutions.conv2d(ja, jb, null, ONES2, ONES2, ONES2, 1);
                    y.backward(jOnes);
                    return y.numel();
                }
                case EXP:
                    return ja.exp().numel();
                default:
                    throw new AssertionError(op);
            }
        }
    }

    /**
     * The case in libtorch; every array it creates is freed before it returns.
     *
     * @return the result's element count (the array itself is already closed)
     */
    @Benchmark
    public long torch() {
        switch (op) {
            case GEMM: {
                try (NDArray c = ta.matMul(tb)) {
                    return c.size();
                }
            }
            case CONV: {
                // The output and the backward's ones gradient go to a scope freed at the end; the operands
                // return to the fork's manager.
                try (NDManager scope = manager.newSubManager()) {
                    ta.tempAttach(scope);
                    tb.tempAttach(scope);
                    try (GradientCollector collector = engine.newGradientCollector()) {
                        NDArray y = Conv2d.conv2d(ta, tb, null, new Shape(1, 1), new Shape(1, 1),
                                new Shape(1, 1), 1).singletonOrThrow();
                        collector.backward(y);
                        return y.size();
                    }
                }
            }
            case EXP: {
                try (NDArray e = ta.exp()) {
                    return e.size();
                }
            }
            default:
                throw new AssertionError(op);
        }
    }
}
