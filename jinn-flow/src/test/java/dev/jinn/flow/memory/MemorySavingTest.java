package dev.jinn.flow.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jinn.flow.FlowException;
import dev.jinn.flow.FlowResult;
import dev.jinn.flow.InvertibleModule;
import dev.jinn.flow.SequenceINN;
import dev.jinn.flow.Shape;
import dev.jinn.flow.Subnets;
import dev.jinn.flow.coupling.AffineCouplingOneSided;
import dev.jinn.flow.coupling.AllInOneBlock;
import dev.jinn.flow.coupling.ConditionalAffineTransform;
import dev.jinn.flow.coupling.GINCouplingBlock;
import dev.jinn.flow.coupling.GLOWCouplingBlock;
import dev.jinn.flow.coupling.NICECouplingBlock;
import dev.jinn.flow.coupling.RNVPCouplingBlock;
import dev.jinn.flow.linear.PermuteRandom;
import dev.jinn.flow.norm.ActNorm;
import dev.jinn.flow.norm.InvertibleBatchNorm1d;
import dev.jinn.flow.reshape.Flatten;
import dev.jinn.flow.reshape.HaarDownsampling;
import dev.jinn.flow.residual.IResNetLayer;
import dev.jinn.flow.residual.LogDetMethod;
import dev.jinn.flow.spline.LinearSpline;
import dev.jinn.flow.spline.RationalQuadraticSpline;
import dev.jinn.nn.Dropout;
import dev.jinn.nn.Linear;
import dev.jinn.nn.ReLU;
import dev.jinn.nn.Sequential;
import dev.jinn.tensor.DType;
import dev.jinn.autograd.Grad;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * Memory-saving backprop against ordinary backprop in float64: the same gradients for parameters, inputs and
 * conditions, through every family of blocks, with less memory held by the graph.
 */
class MemorySavingTest {
    private static final int BATCH = 5;

    /** A named chain builder: input shape, condition shapes, and a fresh chain each call. */
    private record Case(String name, Shape in, List<Shape> conditions, Supplier<SequenceINN> chain, double tol) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static SequenceINN couplings(java.util.function.Function<dev.jinn.flow.SubnetConstructor,
            dev.jinn.flow.ModuleSpec> block, boolean conditional) {
        SequenceINN inn = new SequenceINN(4);
        for (int k = 0; k < 3; k++) {
            if (conditional) {
                inn.append(block.apply(Subnets.mlp(8)), 0, 3);
            } else {
                inn.append(block.apply(Subnets.mlp(8)));
            }
            inn.append(PermuteRandom.seed(k));
        }
        return inn;
    }

    static Stream<Arguments> cases() {
        List<Case> cases = new ArrayList<>();
        Map<String, java.util.function.Function<dev.jinn.flow.SubnetConstructor, dev.jinn.flow.ModuleSpec>> blocks =
                new LinkedHashMap<>();
        blocks.put("AllInOneBlock", s -> AllInOneBlock.builder().subnet(s).permuteSoft(true));
        blocks.put("GLOW", s -> GLOWCouplingBlock.builder().subnet(s).clamp(2.0));
        blocks.put("RNVP", s -> RNVPCouplingBlock.builder().subnet(s));
        blocks.put("NICE", s -> NICECouplingBlock.builder().subnet(s));
        blocks.put("GIN", s -> GINCouplingBlock.builder().subnet(s));
        blocks.put("OneSided", s -> AffineCouplingOneSided.builder().subnet(s));
        blocks.put("ConditionalAffine", s -> ConditionalAffineTransform.builder().subnet(s).clamp(1.5));
        blocks.put("RationalQuadraticSpline", s -> RationalQuadraticSpline.builder().subnet(s).bins(4));
        blocks.put("LinearSpline", s -> LinearSpline.builder().subnet(s).bins(4));
        blocks.forEach((name, block) -> {
            if (!name.equals("ConditionalAffine")) {
                cases.add(new Case(name, Shape.of(4), List.of(), () -> couplings(block, false), 1e-10));
            }
            cases.add(new Case(name + " conditional", Shape.of(4), List.of(Shape.of(3)),
                    () -> couplings(block, true), 1e-10));
        });
        cases.add(new Case("ActNorm, Haar, permutation, conv coupling, flatten", Shape.of(2, 4, 4), List.of(),
                () -> new SequenceINN(2, 4, 4).append(ActNorm.spec()).append(HaarDownsampling.spec())
                        .append(GLOWCouplingBlock.builder().subnet(Subnets.conv(6, 3)).clamp(2.0))
                        .append(PermuteRandom.seed(4)).append(ActNorm.spec())
                        .append(AllInOneBlock.builder().subnet(Subnets.conv1x1(6)))
                        .append(Flatten.spec()), 1e-10));
        // A fixed-point inverse: exact to its tolerance, and the log-det computed exactly (no random probes).
        cases.add(new Case("IResNetLayer", Shape.of(3), List.of(), () -> {
            SequenceINN inn = new SequenceINN(3);
            for (int k = 0; k < 3; k++) {
                inn.append(IResNetLayer.builder().internalSize(8).logDet(LogDetMethod.exact())
                        .fixedPointIterations(200).rng(new Rng(k + 1)));
            }
            return inn;
        }, 1e-8));
        return cases.stream().map(Arguments::of);
    }

    /** Two identical float64 chains with non-trivial weights, the second memory-saving. */
    private static SequenceINN[] twins(Case c) {
        SequenceINN plain = (SequenceINN) c.chain().get().to(DType.FLOAT64);
        SequenceINN saving = (SequenceINN) c.chain().get().to(DType.FLOAT64);
        Rng noise = new Rng(77);
        Map<String, Tensor> state = new LinkedHashMap<>();
        try (var g = Grad.disabled()) {
            for (Map.Entry<String, Tensor> e : plain.stateDict().entrySet()) {
                Tensor t = e.getValue();
                boolean param = plain.namedParameters().containsKey(e.getKey());
                state.put(e.getKey(), param ? t.add(Tensors.randn(noise, DType.FLOAT64, t.shape()).mul(0.1)) : t);
            }
        }
        plain.loadStateDict(state, true);
        saving.loadStateDict(state, true);
        saving.memorySaving(true);
        return new SequenceINN[] {plain, saving};
    }

    /** A loss that weighs every output and log-det entry differently, so every gradient path is exercised. */
    private static Tensor loss(FlowResult r, Rng rng) {
        Tensor z = r.output();
        Tensor wz = Tensors.randn(rng, DType.FLOAT64, z.shape());
        Tensor wl = Tensors.randn(rng, DType.FLOAT64, r.logDet().shape());
        return z.mul(wz).sum().add(r.logDet().mul(wl).sum());
    }

    private record Run(Tensor loss, Tensor x, List<Tensor> conditions, long savedBytes) {
    }

    private static Run run(SequenceINN inn, Case c) {
        Rng rng = new Rng(5);
        Tensor x = Tensors.randn(rng, DType.FLOAT64, batchShape(c.in())).mul(0.7).requiresGrad(true);
        List<Tensor> cond = new ArrayList<>();
        for (Shape s : c.conditions()) {
            cond.add(Tensors.randn(rng, DType.FLOAT64, batchShape(s)).requiresGrad(true));
        }
        Tensor l = loss(inn.forward(x, cond), rng);
        long bytes = Grad.savedBytes(l);
        l.backward();
        return new Run(l, x, cond, bytes);
    }

    private static int[] batchShape(Shape s) {
        int[] dims = new int[s.dims().length + 1];
        dims[0] = BATCH;
        System.arraycopy(s.dims(), 0, dims, 1, s.dims().length);
        return dims;
    }

    private static void assertClose(String what, Tensor expected, Tensor actual, double tol) {
        assertThat(actual).as(what + " has a gradient").isNotNull();
        double[] e = expected.toDoubleArray();
        double[] a = actual.toDoubleArray();
        assertThat(a).as(what).hasSameSizeAs(e);
        for (int i = 0; i < e.length; i++) {
            assertThat(Math.abs(a[i] - e[i])).as(what + "[" + i + "]: " + a[i] + " vs " + e[i])
                    .isLessThanOrEqualTo(tol * Math.max(1, Math.abs(e[i])));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void gradientsEqualOrdinaryBackpropWithLessMemoryHeld(Case c) {
        SequenceINN[] twins = twins(c);
        Run plain = run(twins[0], c);
        Run saving = run(twins[1], c);
        assertThat(saving.loss().item()).isCloseTo(plain.loss().item(),
                org.assertj.core.api.Assertions.within(c.tol() * Math.max(1, Math.abs(plain.loss().item()))));
        Map<String, Tensor> pa = twins[0].namedParameters();
        Map<String, Tensor> pb = twins[1].namedParameters();
        assertThat(pb.keySet()).isEqualTo(pa.keySet());
        for (String k : pa.keySet()) {
            if (pa.get(k).grad() != null) {
                assertClose(k, pa.get(k).grad(), pb.get(k).grad(), c.tol());
            }
        }
        assertClose("input", plain.x().grad(), saving.x().grad(), c.tol());
        for (int j = 0; j < plain.conditions().size(); j++) {
            assertClose("condition " + j, plain.conditions().get(j).grad(), saving.conditions().get(j).grad(),
                    c.tol());
        }
        assertThat(saving.savedBytes()).as("bytes held for backward").isLessThan(plain.savedBytes());
    }

    @Test
    void heldMemoryDoesNotGrowWithDepth() {
        int batch = 256;
        int[] depths = {2, 10};
        long[][] bytes = new long[2][2];
        for (int saving = 0; saving < 2; saving++) {
            for (int d = 0; d < 2; d++) {
                SequenceINN inn = new SequenceINN(16).memorySaving(saving == 1);
                for (int k = 0; k < depths[d]; k++) {
                    inn.append(GLOWCouplingBlock.builder().subnet(Subnets.mlp(64)));
                }
                FlowResult r = inn.forward(Tensors.randn(new Rng(1), batch, 16));
                bytes[saving][d] = Grad.savedBytes(r.output().square().sum().sub(r.logDet().sum()));
            }
        }
        long plainPerBlock = (bytes[0][1] - bytes[0][0]) / (depths[1] - depths[0]);
        long savingPerBlock = (bytes[1][1] - bytes[1][0]) / (depths[1] - depths[0]);
        // Ordinary backprop keeps at least the two subnets' hidden activations ([B, 64] each) per block; memory
        // saving keeps per block only the log-det's [B] float32 values, none of the [B, 16] activations.
        assertThat(plainPerBlock).isGreaterThan(2L * batch * 64 * 4);
        assertThat(savingPerBlock).isLessThanOrEqualTo(batch * 4L);
    }

    @Test
    void aRetainedGraphCanBeWalkedTwice() {
        SequenceINN inn = (SequenceINN) couplings(s -> GLOWCouplingBlock.builder().subnet(s), false)
                .to(DType.FLOAT64);
        inn.memorySaving(true);
        Tensor x = Tensors.randn(new Rng(3), DType.FLOAT64, 4, 4);
        FlowResult r = inn.forward(x);
        Tensor l = r.output().square().sum().sub(r.logDet().sum());
        l.backward(null, true);
        List<double[]> first = new ArrayList<>();
        for (Tensor p : inn.parameters()) {
            first.add(p.grad().toDoubleArray());
            p.zeroGrad();
        }
        l.backward();
        for (int i = 0; i < first.size(); i++) {
            assertThat(inn.parameters().get(i).grad().toDoubleArray()).containsExactly(first.get(i));
        }
    }

    @Test
    void blocksThatCannotBeRecomputedAreRefusedByName() {
        SequenceINN inn = new SequenceINN(4).memorySaving(true)
                .append(GLOWCouplingBlock.builder().subnet((in, out) -> new Sequential(new Linear(in, 8),
                        new ReLU(), new Dropout(0.5), new Linear(8, out))));
        Tensor x = Tensors.randn(new Rng(1), 3, 4);
        assertThatThrownBy(() -> inn.forward(x)).isInstanceOf(FlowException.class)
                .hasMessageContaining("SequenceINN module 0 (GLOWCouplingBlock")
                .hasMessageContaining("Dropout")
                .hasMessageContaining("another mask");
        inn.eval();
        assertThat(inn.forward(x).output().shape()).containsExactly(3, 4);

        SequenceINN bn = new SequenceINN(4).memorySaving(true).append((in, c) -> new InvertibleBatchNorm1d(in));
        assertThatThrownBy(() -> bn.forward(x)).isInstanceOf(FlowException.class)
                .hasMessageContaining("InvertibleBatchNorm1d").hasMessageContaining("batch statistics");
    }

    @Test
    void aStochasticLogDetEstimateIsRefusedAndAnExactOneIsNot() {
        SequenceINN inn = new SequenceINN(3).memorySaving(true)
                .append(IResNetLayer.builder().internalSize(8).logDet(LogDetMethod.powerSeries(5, 1)));
        Tensor x = Tensors.randn(new Rng(1), 4, 3);
        assertThatThrownBy(() -> inn.forward(x)).isInstanceOf(FlowException.class)
                .hasMessageContaining("IResNetLayer").hasMessageContaining("random probes")
                .hasMessageContaining("LogDetMethod.exact()");
        try (var g = Grad.disabled()) {
            assertThat(inn.forward(x).output().shape()).containsExactly(4, 3);
        }
    }

    @Test
    void gradientsOfGradientsAreRefusedClearly() {
        SequenceINN inn = new SequenceINN(2).memorySaving(true)
                .append(AllInOneBlock.builder().subnet(Subnets.mlp(4)));
        Tensor x = Tensors.randn(new Rng(1), DType.FLOAT32, 3, 2).requiresGrad(true);
        FlowResult r = inn.forward(x);
        Tensor l = r.output().square().sum();
        assertThatThrownBy(() -> Grad.grad(List.of(l), List.of(x), null, true))
                .hasMessageContaining("does not give gradients of gradients");
    }

    @Test
    void onlyTheChosenModulesSaveMemoryAndInferenceIsUnchanged() {
        SequenceINN inn = couplings(s -> RNVPCouplingBlock.builder().subnet(s), false);
        inn.memorySaving(0, true);
        assertThat(inn.isMemorySaving(0)).isTrue();
        assertThat(inn.isMemorySaving(1)).isFalse();
        Tensor x = Tensors.randn(new Rng(2), 6, 4);
        Tensor plainOut;
        try (var g = Grad.disabled()) {
            plainOut = inn.forward(x).output();
        }
        FlowResult r = inn.forward(x);
        assertThat(r.output().toFloatArray()).containsExactly(plainOut.toFloatArray());
        InvertibleModule first = inn.get(0);
        assertThat(r.output().gradFnName()).isNotNull();
        assertThat(first.parameters()).isNotEmpty();
    }
}
