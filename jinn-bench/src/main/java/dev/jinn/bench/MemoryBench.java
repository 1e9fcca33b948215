package dev.jinn.bench;

import dev.jinn.autograd.Grad;
import dev.jinn.flow.FlowResult;
import dev.jinn.flow.SequenceINN;
import dev.jinn.flow.Subnets;
import dev.jinn.flow.coupling.GLOWCouplingBlock;
import dev.jinn.flow.linear.PermuteRandom;
import dev.jinn.nn.Init;
import dev.jinn.optim.Adam;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import dev.jinn.train.Nll;
import java.util.Arrays;
import java.util.Locale;

/**
 * The jinn side of {@code ./bench memory}: what memory-saving backprop saves on a GLOW-coupling INN with conv
 * subnets (3×3, 32 hidden channels, a random permutation after each coupling) on a float32 batch [8, 3, 32, 32].
 *
 * <ul>
 *   <li>{@code java MemoryBench [--steps N] [depth...]} prints, per depth (default 4, 16, 64),
 *       {@code memory conv depth=<d> plain_mb=<x> saving_mb=<y> plain_ms=<a> saving_ms=<b>}: the megabytes the
 *       autograd graph holds for backward at the end of the forward pass ({@link Grad#savedBytes}), and the
 *       median time of one training step (forward, NLL, backward, Adam) over N steps after two warm-up steps.</li>
 *   <li>{@code java -Xmx256m MemoryBench --one plain|saving <depth>} runs two training steps and prints
 *       {@code ok}, or {@code oom} when the heap ran out (exit code 3): the bench script runs it in fresh JVMs.</li>
 * </ul>
 */
public final class MemoryBench {
    private static final int BATCH = 8;
    /** Untimed steps first: the JIT compiles the kernels during the first ones. */
    private static final int WARMUP_STEPS = 2;

    private MemoryBench() {
    }

    /**
     * Runs the benchmark.
     *
     * @param args as in the class comment
     */
    public static void main(String[] args) {
        if (args.length == 3 && args[0].equals("--one")) {
            System.exit(one(args[1].equals("saving"), Integer.parseInt(args[2])));
        }
        int steps = 5;
        int[] depths = {4, 16, 64};
        int[] given = new int[args.length];
        int n = 0;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--steps")) {
                steps = Integer.parseInt(args[++i]);
            } else {
                given[n++] = Integer.parseInt(args[i]);
            }
        }
        if (n > 0) {
            depths = Arrays.copyOf(given, n);
        }
        for (int depth : depths) {
            Measured plain = measure(depth, false, steps);
            Measured saving = measure(depth, true, steps);
            System.out.printf(Locale.ROOT, "memory conv depth=%d plain_mb=%.1f saving_mb=%.1f plain_ms=%.0f"
                    + " saving_ms=%.0f%n", depth, plain.mb, saving.mb, plain.ms, saving.ms);
        }
    }

    private record Measured(double mb, double ms) {
    }

    /** The INN of the benchmark: depth GLOW couplings with conv subnets, each followed by a permutation. */
    private static SequenceINN inn(int depth, boolean saving) {
        Init.manualSeed(0);
        SequenceINN inn = new SequenceINN(3, 32, 32);
        for (int k = 0; k < depth; k++) {
            inn.append(GLOWCouplingBlock.builder().subnet(Subnets.conv(32, 3)).clamp(2.0));
            inn.append(PermuteRandom.seed(k));
        }
        return inn.memorySaving(saving);
    }

    private static Measured measure(int depth, boolean saving, int steps) {
        SequenceINN inn = inn(depth, saving);
        Tensor x = Tensors.randn(new Rng(1), BATCH, 3, 32, 32);
        Adam opt = new Adam(inn.parameters(), 1e-4);
        long held = 0;
        double[] ms = new double[steps];
        for (int s = -WARMUP_STEPS; s < steps; s++) {
            long t0 = System.nanoTime();
            opt.zeroGrad();
            FlowResult r = inn.forward(x);
            Tensor loss = Nll.perSample(r).mean();
            if (s == -WARMUP_STEPS) {
                held = Grad.savedBytes(loss);
            }
            loss.backward();
            opt.step();
            if (s >= 0) {
                ms[s] = (System.nanoTime() - t0) * 1e-6;
            }
        }
        Arrays.sort(ms);
        return new Measured(held / (1024.0 * 1024.0), ms[steps / 2]);
    }

    /** Two training steps in this JVM; 0 and "ok", or 3 and "oom" when the heap runs out. */
    private static int one(boolean saving, int depth) {
        try {
            SequenceINN inn = inn(depth, saving);
            Tensor x = Tensors.randn(new Rng(1), BATCH, 3, 32, 32);
            Adam opt = new Adam(inn.parameters(), 1e-4);
            for (int s = 0; s < 2; s++) {
                opt.zeroGrad();
                Tensor loss = Nll.perSample(inn.forward(x)).mean();
                loss.backward();
                opt.step();
            }
            System.out.println("ok");
            return 0;
        } catch (OutOfMemoryError e) {
            System.out.println("oom");
            return 3;
        }
    }
}
