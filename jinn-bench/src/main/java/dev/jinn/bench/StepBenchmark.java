package dev.jinn.bench;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The {@code step} suite: one training step of the e2e suite's {@code moons} and {@code digits} models
 * (forward, NLL, backward, Adam; the step {@link E2EBench} times), run by JMH so that its GC profiler
 * reports the bytes allocated per step ({@code gc.alloc.rate.norm}) next to the mean time. Compare with
 * {@code -jvmArgsAppend -Djinn.pool=false}: storages are then not recycled.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 4, time = 2, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 2, timeUnit = TimeUnit.SECONDS)
@Fork(1)
@State(Scope.Thread)
public class StepBenchmark {
    /** The models in the order their lines are printed. */
    static final List<String> CASES = List.of("moons", "digits");

    /** The e2e case: {@code moons} (8 blocks on 2-D, batch 100) or {@code digits} (12 blocks, 64-D, batch 256). */
    @Param({"moons", "digits"})
    public String model;

    private Supplier<Double> step;

    /** Builds the model, its batch and its optimizer from the e2e suite's fixed seed. */
    @Setup
    public void setUp() {
        step = E2EBench.build(model);
    }

    /**
     * One training step.
     *
     * @return the loss (consumed by JMH)
     */
    @Benchmark
    public double step() {
        return step.get();
    }
}
