package dev.jinn.bench;

import dev.jinn.flow.residual.IResNet;
import dev.jinn.flow.residual.IResNetModule;
import dev.jinn.flow.residual.IResNetResult;
import dev.jinn.flow.residual.LogDetMethod;
import dev.jinn.flow.residual.ResidualBlock;
import dev.jinn.optim.Adam;
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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The {@code iresnet} suite: one training step of an i-ResNet, the same models as
 * {@code jinn-bench/scripts/torch_iresnet.py} builds in PyTorch.
 *
 * <ul>
 *   <li>{@code fcn}: 10 fully connected blocks on 2-D points, batch 256, each {@code y = x + g(x)} with
 *       {@code g = SN(Linear 2→32) → ELU → SN(Linear 32→32) → ELU → SN(Linear 32→2)};</li>
 *   <li>{@code conv2d}: 4 convolutional blocks on {@code [16, 3, 16, 16]} images, {@code g = SN(Conv 3→16) → ELU →
 *       SN(Conv 16→16) → ELU → SN(Conv 16→3)}, 3×3 kernels, "same" padding.</li>
 * </ul>
 * SN is soft spectral normalisation {@code W / max(1, σ̂/0.9)} with one power-iteration step per training call;
 * each block's log-det is the power series with 5 terms and one Rademacher probe, differentiable. One step:
 * forward, loss {@code mean(|z|²/2 − log-det)}, backward, Adam (lr 1e-3). Float32. Every step is timed on its own
 * ({@link Mode#SampleTime}); {@code ./bench iresnet} reports the median next to PyTorch's.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 2, timeUnit = TimeUnit.SECONDS)
@Fork(1)
@State(Scope.Thread)
public class IResNetBenchmark {
    /** The cases in the order their lines are printed; each is a value of {@link #model}. */
    static final List<String> CASES = List.of("fcn", "conv2d");

    /** The model this fork trains. */
    @Param({"fcn", "conv2d"})
    public String model;

    private IResNetModule net;
    private Adam optimizer;
    private Tensor x;

    /** Builds the model and its data from a fixed seed and runs one step (the conv vectors are made there). */
    @Setup
    public void setUp() {
        Rng rng = new Rng(42);
        LogDetMethod series = LogDetMethod.powerSeries(5, 1);
        IResNetModule[] blocks;
        if (model.equals("fcn")) {
            blocks = new IResNetModule[10];
            for (int i = 0; i < blocks.length; i++) {
                blocks[i] = ResidualBlock.fcn(2, 2).hidden(32).logDet(series).rng(rng).build();
            }
            x = Tensors.randn(rng, 256, 2);
        } else {
            blocks = new IResNetModule[4];
            for (int i = 0; i < blocks.length; i++) {
                blocks[i] = ResidualBlock.conv2d(3, 3).hidden(16).logDet(series).rng(rng).build();
            }
            x = Tensors.randn(rng, 16, 3, 16, 16);
        }
        net = IResNet.sequential(blocks);
        optimizer = new Adam(net.parameters(), 1e-3);
        step();
    }

    /**
     * One training step.
     *
     * @return the loss
     */
    @Benchmark
    public Tensor step() {
        IResNetResult r = net.forward(x);
        Tensor z = r.y().reshape(x.size(0), -1);
        Tensor loss = z.square().sum(1).mul(0.5).sub(r.logDet()).mean();
        optimizer.zeroGrad();
        loss.backward();
        optimizer.step();
        return loss;
    }
}
