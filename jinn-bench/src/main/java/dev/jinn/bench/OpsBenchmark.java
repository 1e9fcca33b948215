package dev.jinn.bench;

import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The {@code ops} suite: the cost of dispatching one small operation, where small flows spend their time.
 *
 * <p>{@code add}, {@code mul} and {@code exp} run on {@code [100, 2]} float32 tensors, once on plain tensors
 * (nothing is recorded) and once on leaves that require a gradient (each call records a graph node, which
 * then becomes garbage). {@code mlpFwdBwd} is one training step of a small MLP without the optimizer:
 * {@code [100,2] -> Linear(2,512) -> tanh -> Linear(512,2)}, loss {@code mean(out^2)}, backward into float32
 * leaves whose gradients are cleared first. {@code jinn-bench/scripts/torch_ops.py} measures the same cases
 * in PyTorch.
 *
 * <p>Every call is timed on its own ({@link Mode#SampleTime}); {@code ./bench ops} reports the median.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 1, timeUnit = TimeUnit.SECONDS)
@Fork(1)
@State(Scope.Thread)
public class OpsBenchmark {
    /** The benchmark methods in the order their lines are printed. */
    static final List<String> CASES = List.of("addNograd", "addGrad", "mulNograd", "mulGrad", "expNograd",
            "expGrad", "mlpFwdBwd");

    private static final int BATCH = 100;
    private static final int FEATURES = 2;
    private static final int HIDDEN = 512;

    private Tensor a;
    private Tensor b;
    private Tensor aGrad;
    private Tensor bGrad;

    private Tensor x;
    private Tensor w1;
    private Tensor b1;
    private Tensor w2;
    private Tensor b2;

    /** Creates the operands and the MLP's parameters from a fixed seed. */
    @Setup
    public void setUp() {
        Rng rng = new Rng(42);
        a = Tensors.randn(rng, BATCH, FEATURES);
        b = Tensors.randn(rng, BATCH, FEATURES);
        aGrad = a.copy().requiresGrad(true);
        bGrad = b.copy().requiresGrad(true);

        x = Tensors.randn(rng, BATCH, FEATURES);
        w1 = Tensors.randn(rng, FEATURES, HIDDEN).mul(1.0 / Math.sqrt(FEATURES)).requiresGrad(true);
        b1 = Tensors.zeros(HIDDEN).requiresGrad(true);
        w2 = Tensors.randn(rng, HIDDEN, FEATURES).mul(1.0 / Math.sqrt(HIDDEN)).requiresGrad(true);
        b2 = Tensors.zeros(FEATURES).requiresGrad(true);
    }

    /**
     * Elementwise sum of two plain tensors.
     *
     * @return the sum
     */
    @Benchmark
    public Tensor addNograd() {
        return a.add(b);
    }

    /**
     * Elementwise sum of two leaves that require a gradient: one AddBackward node is recorded.
     *
     * @return the sum
     */
    @Benchmark
    public Tensor addGrad() {
        return aGrad.add(bGrad);
    }

    /**
     * Elementwise product of two plain tensors.
     *
     * @return the product
     */
    @Benchmark
    public Tensor mulNograd() {
        return a.mul(b);
    }

    /**
     * Elementwise product of two leaves that require a gradient.
     *
     * @return the product
     */
    @Benchmark
    public Tensor mulGrad() {
        return aGrad.mul(bGrad);
    }

    /**
     * Exponential of a plain tensor.
     *
     * @return the exponential
     */
    @Benchmark
    public Tensor expNograd() {
        return a.exp();
    }

    /**
     * Exponential of a leaf that requires a gradient.
     *
     * @return the exponential
     */
    @Benchmark
    public Tensor expGrad() {
        return aGrad.exp();
    }

    /**
     * One forward and backward pass of the MLP, gradients cleared first.
     *
     * @return the loss
     */
    @Benchmark
    public Tensor mlpFwdBwd() {
        w1.zeroGrad();
        b1.zeroGrad();
        w2.zeroGrad();
        b2.zeroGrad();
        Tensor h = x.matmul(w1).add(b1).tanh();
        Tensor out = h.matmul(w2).add(b2);
        Tensor loss = out.square().mean();
        loss.backward();
        return loss;
    }
}
