package dev.jinn.bench;

import dev.jinn.flow.AbstractNode;
import dev.jinn.flow.FlowResult;
import dev.jinn.flow.GraphINN;
import dev.jinn.flow.GraphResult;
import dev.jinn.flow.InputNode;
import dev.jinn.flow.Node;
import dev.jinn.flow.OutputNode;
import dev.jinn.flow.SequenceINN;
import dev.jinn.flow.SubnetConstructor;
import dev.jinn.flow.Subnets;
import dev.jinn.flow.coupling.AllInOneBlock;
import dev.jinn.flow.inference.BatchInference;
import dev.jinn.flow.coupling.GLOWCouplingBlock;
import dev.jinn.flow.linear.PermuteRandom;
import dev.jinn.flow.reshape.Flatten;
import dev.jinn.flow.reshape.IRevNetDownsampling;
import dev.jinn.flow.topology.Concat;
import dev.jinn.flow.topology.Split;
import dev.jinn.model.Architecture;
import dev.jinn.model.ModelConfig;
import dev.jinn.nn.Init;
import dev.jinn.optim.Adam;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.TensorScope;
import dev.jinn.tensor.Tensors;
import dev.jinn.train.Nll;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The jinn side of {@code ./bench e2e}: the median time of one training step (forward, NLL, backward, Adam) of
 * whole reference flows, the same ones {@code jinn-bench/scripts/torch_e2e.py} times in plain PyTorch:
 *
 * <ul>
 *   <li>{@code moons}: FrEIA's quick start, 8 AllInOneBlocks on 2 dims, subnets 512, soft permutation, batch 100;</li>
 *   <li>{@code digits}: 12 AllInOneBlocks on 64 dims with a 10-dim condition, subnets 512, batch 256;</li>
 *   <li>{@code conv}: FrEIA README's convolutional INN on 3×32×32 (GLOW couplings with conv subnets and random
 *       permutations, i-RevNet downsampling, flatten, a split whose first quarter goes through fully connected GLOW
 *       couplings, concatenation), batch 8;</li>
 *   <li>{@code maf}, {@code nsf}: {@code jinn train --arch maf|nsf --blocks 5 --hidden 256} (NSF with 8 bins) on
 *       8 features, built by {@link ModelConfig} as the command line builds it, batch 256;</li>
 *   <li>{@code score}: inference instead of a training step: the log-likelihood of 1,000,000 rows under the
 *       {@code moons} model in batches of 4096, the way {@code jinn score} computes it.</li>
 * </ul>
 *
 * <p>Each training step runs in a {@link TensorScope}, as the {@code Trainer} runs its steps: its storages are
 * recycled from one step to the next.
 *
 * <p>Prints {@code e2e <case> jinn_ms=<median>}. Usage:
 * {@code java -cp jinn-bench.jar dev.jinn.bench.E2EBench [--seconds S] [--warmup S] [case...]}; the thread count
 * is {@code -Djinn.threads}.
 */
public final class E2EBench {
    private E2EBench() {
    }

    /**
     * Runs the requested cases (all by default).
     *
     * @param args options and case names
     */
    public static void main(String[] args) {
        double seconds = 5;
        double warmup = 3;
        List<String> cases = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--seconds" -> seconds = Double.parseDouble(args[++i]);
                case "--warmup" -> warmup = Double.parseDouble(args[++i]);
                default -> cases.add(args[i]);
            }
        }
        if (cases.isEmpty()) {
            cases.addAll(List.of("moons", "digits", "conv", "maf", "nsf", "score"));
        }
        for (String c : cases) {
            Supplier<Double> step = build(c);
            String ms = step == null ? "NA" : String.format(Locale.ROOT, "%.3f",
                    medianMs(step, seconds, warmup, c.equals("score") ? 1 : 5));
            System.out.println("e2e " + c + " jinn_ms=" + ms);
        }
    }

    /** One training step of a case, or null when jinn cannot build it yet. */
    static Supplier<Double> build(String name) {
        Init.manualSeed(0);
        Rng rng = new Rng(0);
        return switch (name) {
            case "moons" -> allInOne(2, 0, 8, 100, rng);
            case "digits" -> allInOne(64, 10, 12, 256, rng);
            case "conv" -> convInn(rng);
            case "maf" -> autoregressive(Architecture.MAF, rng);
            case "nsf" -> autoregressive(Architecture.NSF, rng);
            case "score" -> score(rng);
            default -> throw new IllegalArgumentException("unknown case '" + name + "' (moons, digits, conv, maf,"
                    + " nsf, score)");
        };
    }

    /** Rows scored by one call of the {@code score} case. */
    private static final int SCORE_ROWS = 1_000_000;
    /** The rows per batch of the {@code score} case (the CLI's batches are of this order). */
    private static final int SCORE_BATCH = 4096;

    private static Supplier<Double> score(Rng rng) {
        SequenceINN inn = allInOneChain(2, 0, 8, rng);
        inn.eval();
        Tensor rows = Tensors.randn(rng, SCORE_ROWS, 2);
        BatchInference inference = new BatchInference(inn);
        return () -> {
            double total = 0;
            for (int start = 0; start < SCORE_ROWS; start += SCORE_BATCH) {
                Tensor x = rows.narrow(0, start, Math.min(SCORE_BATCH, SCORE_ROWS - start));
                for (double ll : inference.logLikelihood(x, List.of())) {
                    total += ll;
                }
            }
            return total;
        };
    }

    private static SequenceINN allInOneChain(int dims, int cond, int blocks, Rng rng) {
        SequenceINN inn = new SequenceINN(dims);
        for (int k = 0; k < blocks; k++) {
            var spec = AllInOneBlock.builder().subnet(Subnets.mlp(512)).permuteSoft(true).rng(rng.split());
            if (cond > 0) {
                inn.append(spec, 0, cond);
            } else {
                inn.append(spec);
            }
        }
        return inn;
    }

    private static Supplier<Double> allInOne(int dims, int cond, int blocks, int batch, Rng rng) {
        SequenceINN inn = allInOneChain(dims, cond, blocks, rng);
        Tensor x = Tensors.randn(rng, batch, dims);
        List<Tensor> c = new ArrayList<>();
        if (cond > 0) {
            float[] onehot = new float[batch * cond];
            for (int i = 0; i < batch; i++) {
                onehot[i * cond + (int) rng.nextLong(cond)] = 1f;
            }
            c.add(Tensors.of(onehot, batch, cond));
        }
        Adam opt = new Adam(inn.parameters(), 1e-3);
        return () -> {
            try (TensorScope s = Tensors.scope()) { // storages recycled step to step, as the Trainer does
                opt.zeroGrad();
                FlowResult r = inn.forward(x, c);
                Tensor loss = Nll.perSample(r).mean();
                loss.backward();
                opt.step();
                return loss.item();
            }
        };
    }

    /** The command line's autoregressive flow: 5 transforms of MADE (256, 256) on 8 features, 8 bins, batch 256. */
    private static Supplier<Double> autoregressive(Architecture arch, Rng rng) {
        SequenceINN inn = new ModelConfig(arch, 5, 256, 8, 0, 0, 8).build();
        return step(inn, Tensors.randn(rng, 256, 8));
    }

    private static Supplier<Double> step(SequenceINN inn, Tensor x) {
        Adam opt = new Adam(inn.parameters(), 1e-3);
        return () -> {
            try (TensorScope s = Tensors.scope()) {
                opt.zeroGrad();
                Tensor loss = Nll.perSample(inn.forward(x)).mean();
                loss.backward();
                opt.step();
                return loss.item();
            }
        };
    }

    /** FrEIA README's convolutional INN, node for node. */
    private static Supplier<Double> convInn(Rng rng) {
        SubnetConstructor conv3 = Subnets.conv(256, 3);
        SubnetConstructor conv1 = Subnets.conv1x1(256);
        SubnetConstructor fc = Subnets.mlp(512);
        int ndim = 3 * 32 * 32;
        List<AbstractNode> nodes = new ArrayList<>();
        AbstractNode last = new InputNode(3, 32, 32);
        nodes.add(last);
        for (int k = 0; k < 4; k++) {
            last = add(nodes, new Node(last, GLOWCouplingBlock.builder().subnet(conv3).clamp(1.2)));
            last = add(nodes, new Node(last, PermuteRandom.seed(k)));
        }
        last = add(nodes, new Node(last, IRevNetDownsampling.spec()));
        for (int k = 0; k < 12; k++) {
            last = add(nodes, new Node(last, GLOWCouplingBlock.builder().subnet(k % 2 == 0 ? conv1 : conv3)
                    .clamp(1.2)));
            last = add(nodes, new Node(last, PermuteRandom.seed(k)));
        }
        last = add(nodes, new Node(last, Flatten.spec()));
        Node split = new Node(last, Split.sections(ndim / 4, 3 * ndim / 4));
        last = add(nodes, split);
        for (int k = 0; k < 12; k++) {
            last = add(nodes, new Node(k == 0 ? split.out(0) : last, GLOWCouplingBlock.builder().subnet(fc)
                    .clamp(2.0)));
            last = add(nodes, new Node(last, PermuteRandom.seed(k)));
        }
        last = add(nodes, new Node(List.of(last.out(0), split.out(1)), Concat.spec()));
        nodes.add(new OutputNode(last));
        GraphINN inn = new GraphINN(nodes);
        Tensor x = Tensors.randn(rng, 8, 3, 32, 32);
        Adam opt = new Adam(inn.parameters(), 1e-3);
        return () -> {
            try (TensorScope s = Tensors.scope()) {
                opt.zeroGrad();
                GraphResult r = inn.forward(List.of(x));
                Tensor loss = Nll.perSample(FlowResult.of(r.output(), r.logDet())).mean();
                loss.backward();
                opt.step();
                return loss.item();
            }
        };
    }

    private static AbstractNode add(List<AbstractNode> nodes, AbstractNode node) {
        nodes.add(node);
        return node;
    }

    /**
     * The median of timed calls after {@code warmup} seconds of untimed ones: calls for {@code seconds}, at
     * least {@code minCalls} (the score case's one call is a whole pass of a million rows).
     */
    private static double medianMs(Supplier<Double> step, double seconds, double warmup, int minCalls) {
        long end = System.nanoTime() + (long) (warmup * 1e9);
        while (System.nanoTime() < end) {
            step.get();
        }
        List<Double> times = new ArrayList<>();
        end = System.nanoTime() + (long) (seconds * 1e9);
        while (System.nanoTime() < end || times.size() < minCalls) {
            long t0 = System.nanoTime();
            step.get();
            times.add((System.nanoTime() - t0) / 1e6);
        }
        double[] t = times.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(t);
        return t.length % 2 == 1 ? t[t.length / 2] : (t[t.length / 2 - 1] + t[t.length / 2]) / 2;
    }
}
