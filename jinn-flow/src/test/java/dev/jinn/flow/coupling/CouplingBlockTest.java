package dev.jinn.flow.coupling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.jinn.flow.FlowResult;
import dev.jinn.flow.InvertibleModule;
import dev.jinn.flow.ModuleSpec;
import dev.jinn.flow.Shape;
import dev.jinn.flow.SubnetConstructor;
import dev.jinn.flow.Subnets;
import dev.jinn.flow.testing.FlowConformance;
import dev.jinn.nn.Layer;
import dev.jinn.nn.Linear;
import dev.jinn.tensor.DType;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * FrEIA's coupling semantics, checked against formulas written out independently of the blocks: which subnet
 * feeds which half, split sizes, where conditions go, the clamp, FrEIA's state-dict names, GIN's per-pixel
 * volume preservation, and the errors for bad shapes and settings.
 */
class CouplingBlockTest {
    private static final double TIGHT = 1e-13;

    private static Tensor randn(Rng rng, int... shape) {
        return Tensors.randn(rng, DType.FLOAT64, shape);
    }

    private static <M extends InvertibleModule> M build64(CouplingBlockBuilder<?> b, List<Shape> in, List<Shape> c,
            Class<M> type) {
        InvertibleModule m = b.build(in, c);
        m.to(DType.FLOAT64);
        return type.cast(m);
    }

    private static Layer subnet(InvertibleModule m, String name) {
        return (Layer) m.child(name);
    }

    private static double maxAbsDiff(Tensor a, Tensor b) {
        double m = 0;
        double[] x = a.toDoubleArray();
        double[] y = b.toDoubleArray();
        assertThat(x).hasSameSizeAs(y);
        for (int i = 0; i < x.length; i++) {
            m = Math.max(m, Math.abs(x[i] - y[i]));
        }
        return m;
    }

    private static Tensor atanClamp(Tensor raw, double clamp) {
        // 0.636·atan(u)·clamp, elementwise with java.lang.Math.
        double[] v = raw.contiguous().toDoubleArray();
        for (int i = 0; i < v.length; i++) {
            v[i] = clamp * 0.636 * Math.atan(v[i]);
        }
        return Tensors.of(v, raw.shape());
    }

    private static Tensor sumPerSample(Tensor t) {
        return t.reshape(t.size(0), -1).sum(1);
    }

    // ------------------------------------------------------------------------------------------------
    // The forward maps, written out

    @Test
    void glowUsesSubnet2ForTheFirstHalfAndSubnet1ForTheSecond() {
        Rng rng = new Rng(1);
        var block = build64(GLOWCouplingBlock.builder().subnet(Subnets.mlp(6)).clamp(1.7), List.of(Shape.of(5)),
                List.of(Shape.of(2)), GLOWCouplingBlock.class);
        Tensor x = randn(rng, 4, 5);
        Tensor c = randn(rng, 4, 2);
        // round(5 · 0.5) = round(2.5) = 2 (half to even)
        Tensor x1 = x.narrow(1, 0, 2);
        Tensor x2 = x.narrow(1, 2, 3);
        Tensor a2 = subnet(block, "subnet2").forward(Tensor.cat(List.of(x2, c), 1));
        Tensor s2 = atanClamp(a2.narrow(1, 0, 2), 1.7);
        Tensor y1 = s2.exp().mul(x1).add(a2.narrow(1, 2, 2));
        Tensor a1 = subnet(block, "subnet1").forward(Tensor.cat(List.of(y1, c), 1));
        Tensor s1 = atanClamp(a1.narrow(1, 0, 3), 1.7);
        Tensor y2 = s1.exp().mul(x2).add(a1.narrow(1, 3, 3));

        FlowResult r = block.forward(x, List.of(c));
        assertThat(maxAbsDiff(r.output(), Tensor.cat(List.of(y1, y2), 1))).isLessThan(TIGHT);
        assertThat(maxAbsDiff(r.logDet(), sumPerSample(s1).add(sumPerSample(s2)))).isLessThan(TIGHT);
        // Reverse: undo the second step with y1 known, then the first.
        FlowResult back = block.inverse(r.output(), List.of(c));
        assertThat(maxAbsDiff(back.output(), x)).isLessThan(1e-12);
        assertThat(maxAbsDiff(back.logDet(), r.logDet().neg())).isLessThan(TIGHT);
    }

    @Test
    void rnvpUsesTheS2T2SubnetsForTheFirstHalf() {
        Rng rng = new Rng(2);
        var block = build64(RNVPCouplingBlock.builder().subnet(Subnets.mlp(5)).clamp(0.8)
                .clampActivation(ClampActivation.TANH), List.of(Shape.of(4)), List.of(), RNVPCouplingBlock.class);
        Tensor x = randn(rng, 3, 4);
        Tensor x1 = x.narrow(1, 0, 2);
        Tensor x2 = x.narrow(1, 2, 2);
        Tensor s2 = subnet(block, "subnet_s2").forward(x2).tanh().mul(0.8);
        Tensor y1 = s2.exp().mul(x1).add(subnet(block, "subnet_t2").forward(x2));
        Tensor s1 = subnet(block, "subnet_s1").forward(y1).tanh().mul(0.8);
        Tensor y2 = s1.exp().mul(x2).add(subnet(block, "subnet_t1").forward(y1));

        FlowResult r = block.forward(x);
        assertThat(maxAbsDiff(r.output(), Tensor.cat(List.of(y1, y2), 1))).isLessThan(TIGHT);
        assertThat(maxAbsDiff(r.logDet(), sumPerSample(s1).add(sumPerSample(s2)))).isLessThan(TIGHT);
    }

    @Test
    void niceAddsFThenG() {
        Rng rng = new Rng(3);
        var block = build64(NICECouplingBlock.builder().subnet(Subnets.mlp(5)), List.of(Shape.of(3)),
                List.of(Shape.of(1)), NICECouplingBlock.class);
        Tensor x = randn(rng, 3, 3);
        Tensor c = randn(rng, 3, 1);
        Tensor x1 = x.narrow(1, 0, 2);
        Tensor x2 = x.narrow(1, 2, 1);
        Tensor y1 = x1.add(subnet(block, "F").forward(Tensor.cat(List.of(x2, c), 1)));
        Tensor y2 = x2.add(subnet(block, "G").forward(Tensor.cat(List.of(y1, c), 1)));
        FlowResult r = block.forward(x, List.of(c));
        assertThat(maxAbsDiff(r.output(), Tensor.cat(List.of(y1, y2), 1))).isLessThan(TIGHT);
        assertThat(r.logDet().toDoubleArray()).containsOnly(0.0);
    }

    @Test
    void oneSidedTransformsOnlyTheSecondHalf() {
        Rng rng = new Rng(4);
        var block = build64(AffineCouplingOneSided.builder().subnet(Subnets.conv(4, 3)).clamp(1.2),
                List.of(Shape.of(3, 4, 5)), List.of(Shape.of(2, 4, 5)), AffineCouplingOneSided.class);
        Tensor x = randn(rng, 2, 3, 4, 5);
        Tensor c = randn(rng, 2, 2, 4, 5);
        Tensor x1 = x.narrow(1, 0, 2);
        Tensor a = subnet(block, "subnet").forward(Tensor.cat(List.of(x1, c), 1));
        Tensor s = atanClamp(a.narrow(1, 0, 1), 1.2);
        Tensor y2 = x.narrow(1, 2, 1).mul(s.exp()).add(a.narrow(1, 1, 1));
        FlowResult r = block.forward(x, List.of(c));
        assertThat(maxAbsDiff(r.output(), Tensor.cat(List.of(x1, y2), 1))).isLessThan(TIGHT);
        assertThat(maxAbsDiff(r.logDet(), sumPerSample(s))).isLessThan(1e-12);
    }

    @Test
    void conditionalAffineTransformsEverythingFromTheConditionsAlone() {
        Rng rng = new Rng(5);
        var block = build64(ConditionalAffineTransform.builder().subnet(Subnets.mlp(6)), List.of(Shape.of(3)),
                List.of(Shape.of(2), Shape.of(1)), ConditionalAffineTransform.class);
        Tensor x = randn(rng, 4, 3);
        Tensor c0 = randn(rng, 4, 2);
        Tensor c1 = randn(rng, 4, 1);
        Tensor a = subnet(block, "subnet").forward(Tensor.cat(List.of(c0, c1), 1));
        Tensor s = atanClamp(a.narrow(1, 0, 3), 2.0);
        Tensor y = s.exp().mul(x).add(a.narrow(1, 3, 3));
        FlowResult r = block.forward(x, List.of(c0, c1));
        assertThat(maxAbsDiff(r.output(), y)).isLessThan(TIGHT);
        assertThat(maxAbsDiff(r.logDet(), sumPerSample(s))).isLessThan(TIGHT);
    }

    /** A subnet that remembers what it was given, to see the conditioner a block builds. */
    private static final class Recorder extends Layer {
        private final List<Tensor> seen;
        private final Linear inner;

        Recorder(int in, int out, List<Tensor> seen) {
            this.seen = seen;
            this.inner = registerModule("0", new Linear(in, out));
        }

        @Override
        public Tensor forward(Tensor x) {
            seen.add(x);
            return inner.forward(x);
        }
    }

    @Test
    void conditionsFollowThePassiveHalfInTheirOrder() {
        List<Tensor> seen = new ArrayList<>();
        SubnetConstructor recording = (in, out) -> new Recorder(in, out, seen);
        var block = build64(GLOWCouplingBlock.builder().subnet(recording), List.of(Shape.of(4)),
                List.of(Shape.of(1), Shape.of(2)), GLOWCouplingBlock.class);
        Rng rng = new Rng(6);
        Tensor x = randn(rng, 2, 4);
        Tensor c0 = randn(rng, 2, 1);
        Tensor c1 = randn(rng, 2, 2);
        FlowResult r = block.forward(x, List.of(c0, c1));
        assertThat(seen).hasSize(2);
        assertThat(maxAbsDiff(seen.get(0), Tensor.cat(List.of(x.narrow(1, 2, 2), c0, c1), 1))).isZero();
        assertThat(maxAbsDiff(seen.get(1), Tensor.cat(List.of(r.output().narrow(1, 0, 2), c0, c1), 1))).isZero();
    }

    // ------------------------------------------------------------------------------------------------
    // Split sizes, subnet sizes and state-dict names

    @ParameterizedTest(name = "C={0}, split {1} -> len1={2}")
    @CsvSource({"1, 0.5, 0", "2, 0.5, 1", "3, 0.5, 2", "5, 0.5, 2", "7, 0.5, 4", "9, 0.5, 4", "6, 0.25, 2",
            "2, 0.25, 0", "10, 0.25, 2", "3, 0.0, 0", "3, 1.0, 3"})
    void fractionalSplitRoundsHalfToEven(int channels, double fraction, int len1) {
        var block = GLOWCouplingBlock.builder().subnet(Subnets.mlp(4)).splitLen(fraction)
                .build(List.of(Shape.of(channels)), List.of());
        assertThat(block.splitLen1()).isEqualTo(len1);
        assertThat(block.splitLen2()).isEqualTo(channels - len1);
    }

    @Test
    void integerSplitIsTakenAsIsWithinRange() {
        var spec = RNVPCouplingBlock.builder().subnet(Subnets.mlp(4)).splitLen(1);
        var block = spec.build(List.of(Shape.of(3)), List.of());
        assertThat(block.splitLen1()).isEqualTo(1);
        assertThat(block.splitLen2()).isEqualTo(2);
        assertThat(spec.splitLen(3).build(List.of(Shape.of(3)), List.of()).splitLen1()).isEqualTo(3);
        assertThatThrownBy(() -> spec.splitLen(4).build(List.of(Shape.of(3)), List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("RNVPCouplingBlock").hasMessageContaining("0 <= split_len <= 3")
                .hasMessageContaining("4");
        assertThatThrownBy(() -> spec.splitLen(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-1");
        assertThatThrownBy(() -> spec.splitLen(1.5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[0, 1]").hasMessageContaining("1.5");
        assertThatThrownBy(() -> spec.splitLen(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void singleChannelSplitLeavesOneHalfEmptyAndStillInverts() {
        // C = 1: round(0.5) = 0, so the first half is empty (FrEIA allows it); the block is then a one-sided
        // transform of the single channel by constants (an empty-input subnet is its bias alone), or of the
        // conditions. AllInOneBlock's active half is the empty one instead: only its global affine acts.
        for (var spec : List.<ModuleSpec>of(AllInOneBlock.builder().subnet(Subnets.mlp(4)),
                GLOWCouplingBlock.builder().subnet(Subnets.mlp(4)),
                RNVPCouplingBlock.builder().subnet(Subnets.mlp(4)), NICECouplingBlock.builder().subnet(Subnets.mlp(4)),
                GINCouplingBlock.builder().subnet(Subnets.mlp(4)),
                AffineCouplingOneSided.builder().subnet(Subnets.mlp(4)))) {
            String block = spec.build(List.of(Shape.of(1)), List.of(Shape.of(2))).getClass().getSimpleName();
            FlowConformance.of("C=1 " + block, spec, List.of(Shape.of(1)), List.of(Shape.of(2))).run();
        }
    }

    @Test
    void subnetsGetFreiasChannelCountsAndNames() {
        // C = 5 → len1 = 2, len2 = 3; conditions add 3 channels. mlp(7): <name>.0 = Linear(in, 7), <name>.2 =
        // Linear(7, out); weights are [out, in].
        List<Shape> in = List.of(Shape.of(5));
        List<Shape> cond = List.of(Shape.of(2), Shape.of(1));
        SubnetConstructor mlp = Subnets.mlp(7);
        assertSubnets(GLOWCouplingBlock.builder().subnet(mlp).build(in, cond),
                Map.of("subnet1", new int[] {5, 6}, "subnet2", new int[] {6, 4}));
        assertSubnets(GINCouplingBlock.builder().subnet(mlp).build(in, cond),
                Map.of("subnet1", new int[] {5, 6}, "subnet2", new int[] {6, 4}));
        assertSubnets(RNVPCouplingBlock.builder().subnet(mlp).build(in, cond),
                Map.of("subnet_s1", new int[] {5, 3}, "subnet_t1", new int[] {5, 3}, "subnet_s2", new int[] {6, 2},
                        "subnet_t2", new int[] {6, 2}));
        assertSubnets(NICECouplingBlock.builder().subnet(mlp).build(in, cond),
                Map.of("F", new int[] {6, 2}, "G", new int[] {5, 3}));
        assertSubnets(AffineCouplingOneSided.builder().subnet(mlp).build(in, cond),
                Map.of("subnet", new int[] {5, 6}));
        assertSubnets(ConditionalAffineTransform.builder().subnet(mlp).build(in, cond),
                Map.of("subnet", new int[] {3, 10}));
    }

    private static void assertSubnets(InvertibleModule block, Map<String, int[]> inOut) {
        Map<String, Tensor> state = block.stateDict();
        List<String> expectedKeys = new ArrayList<>();
        for (var e : inOut.entrySet()) {
            String n = e.getKey();
            expectedKeys.addAll(List.of(n + ".0.weight", n + ".0.bias", n + ".2.weight", n + ".2.bias"));
            assertThat(state.get(n + ".0.weight").shape()).as(block.describe() + " " + n + " input")
                    .isEqualTo(new int[] {7, e.getValue()[0]});
            assertThat(state.get(n + ".2.weight").shape()).as(block.describe() + " " + n + " output")
                    .isEqualTo(new int[] {e.getValue()[1], 7});
        }
        assertThat(state.keySet()).as(block.describe() + " state-dict keys").containsExactlyInAnyOrderElementsOf(
                expectedKeys);
    }

    // ------------------------------------------------------------------------------------------------
    // Clamp activations

    @ParameterizedTest(name = "{0}")
    @CsvSource({"ATAN", "TANH", "SIGMOID", "softsign"})
    void eachClampActivationBoundsTheLogScale(String name) {
        Function<Double, Double> f = switch (name) {
            case "ATAN" -> u -> 0.636 * Math.atan(u);
            case "TANH" -> Math::tanh;
            case "SIGMOID" -> u -> 2 * (1 / (1 + Math.exp(-u)) - 0.5);
            default -> u -> u / (1 + Math.abs(u));
        };
        ClampActivation act = name.equals("softsign")
                ? ClampActivation.custom("softsign", u -> u.div(u.abs().add(1.0)))
                : ClampActivation.of(name.toLowerCase(java.util.Locale.ROOT));
        double[] raw = {-1e6, -3, -0.5, 0, 0.25, 2, 40};
        double[] got = act.apply(Tensors.of(raw, raw.length)).toDoubleArray();
        for (int i = 0; i < raw.length; i++) {
            assertThat(got[i]).as(name + "(" + raw[i] + ")").isCloseTo(f.apply(raw[i]), within(1e-15));
            assertThat(Math.abs(got[i])).isLessThanOrEqualTo(1.0);
        }
        // In a block: y2 = x2 · e^{clamp·f(r)} + t, checked with the scalar formula.
        Rng rng = new Rng(8);
        var block = build64(AffineCouplingOneSided.builder().subnet(Subnets.mlp(5)).clamp(3.0).clampActivation(act),
                List.of(Shape.of(2)), List.of(), AffineCouplingOneSided.class);
        Tensor x = randn(rng, 6, 2).mul(3.0);
        // Scale the subnet's last (linear) layer by 20, so raw values reach the saturated range: the raw output
        // becomes 20 times the current one.
        double[] a = subnet(block, "subnet").forward(x.narrow(1, 0, 1)).mul(20.0).toDoubleArray();
        try (var g = dev.jinn.autograd.Grad.disabled()) {
            for (String p : List.of("subnet.2.weight", "subnet.2.bias")) {
                Tensor t = block.stateDict().get(p);
                t.copyFrom(t.mul(20.0));
            }
        }
        double[] xs = x.toDoubleArray();
        FlowResult r = block.forward(x);
        double[] y = r.output().toDoubleArray();
        double[] ld = r.logDet().toDoubleArray();
        for (int b = 0; b < 6; b++) {
            double s = 3.0 * f.apply(a[2 * b]);
            assertThat(y[2 * b]).isEqualTo(xs[2 * b]);
            assertThat(y[2 * b + 1]).isCloseTo(xs[2 * b + 1] * Math.exp(s) + a[2 * b + 1], within(1e-12));
            assertThat(ld[b]).isCloseTo(s, within(1e-13));
            assertThat(Math.abs(ld[b])).isLessThanOrEqualTo(3.0);
        }
    }

    @Test
    void atanUsesFreiasConstantNotTwoOverPi() {
        double far = ClampActivation.ATAN.apply(Tensors.of(new double[] {1e12}, 1)).item();
        assertThat(far).isCloseTo(0.636 * Math.PI / 2, within(1e-12));
        assertThat(far).isLessThan(0.9995);
    }

    @Test
    void unknownClampActivationNameIsRejected() {
        assertThatThrownBy(() -> ClampActivation.of("RELU")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("RELU").hasMessageContaining("ATAN");
        assertThatThrownBy(() -> GLOWCouplingBlock.builder().clampActivation("softmax"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("softmax");
        assertThatThrownBy(() -> GLOWCouplingBlock.builder().clamp(Double.NaN))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("clamp");
    }

    // ------------------------------------------------------------------------------------------------
    // GIN: volume preserving per pixel

    @Test
    void ginIsVolumePreservingAtEveryPixel() {
        Rng rng = new Rng(9);
        // 1×1 convolutions keep pixels independent, so the Jacobian is block-diagonal by pixel: GIN centres over
        // the channels of each pixel, so every pixel's block has determinant 1, not just the whole.
        var block = build64(GINCouplingBlock.builder().subnet(Subnets.conv1x1(6)).clamp(1.5),
                List.of(Shape.of(4, 2, 3)), List.of(), GINCouplingBlock.class);
        Tensor x = randn(rng, 2, 4, 2, 3);
        FlowResult r = block.forward(x);
        assertThat(r.logDet().toDoubleArray()).containsOnly(0.0);
        assertThat(block.inverse(r.output()).logDet().toDoubleArray()).containsOnly(0.0);
        double[][][] jac = Jacobians.of(block, x, List.of());
        for (double[][] j : jac) {
            assertThat(Jacobians.logAbsDet(j, Jacobians.all(24))).isCloseTo(0.0, within(1e-12));
            for (int pixel = 0; pixel < 6; pixel++) {
                int[] idx = {pixel, 6 + pixel, 12 + pixel, 18 + pixel};
                assertThat(Jacobians.logAbsDet(j, idx)).as("pixel " + pixel).isCloseTo(0.0, within(1e-12));
            }
        }
        // ... while an individual channel is scaled (it is not NICE): some diagonal entry differs from 1.
        boolean scaled = false;
        for (int i = 0; i < 24; i++) {
            scaled |= Math.abs(jac[0][i][i] - 1) > 1e-3;
        }
        assertThat(scaled).isTrue();
    }

    // ------------------------------------------------------------------------------------------------
    // Errors

    @Test
    void conditionsOfTheWrongSpatialSizeAreRejectedAtConstruction() {
        var spec = GLOWCouplingBlock.builder().subnet(Subnets.conv1x1(4));
        assertThatThrownBy(() -> spec.build(List.of(Shape.of(3, 8, 8)), List.of(Shape.of(1, 8, 8), Shape.of(2, 4, 4))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("GLOWCouplingBlock").hasMessageContaining("condition 1")
                .hasMessageContaining("(2, 4, 4)").hasMessageContaining("(k, 8, 8)");
        assertThatThrownBy(() -> spec.build(List.of(Shape.of(3, 8, 8)), List.of(Shape.of(4))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("(4,)");
        assertThatThrownBy(() -> NICECouplingBlock.builder().subnet(Subnets.mlp(4))
                .build(List.of(Shape.of(3)), List.of(Shape.of(1, 3))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NICECouplingBlock")
                .hasMessageContaining("(k,)");
    }

    @Test
    void conditionalAffineTransformWithoutConditionIsRejected() {
        assertThatThrownBy(() -> ConditionalAffineTransform.builder().subnet(Subnets.mlp(4))
                .build(List.of(Shape.of(3)), List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ConditionalAffineTransform").hasMessageContaining("must have a condition");
    }

    @Test
    void missingSubnetAndSeveralInputsAreRejected() {
        assertThatThrownBy(() -> RNVPCouplingBlock.builder().build(List.of(Shape.of(3)), List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("RNVPCouplingBlock").hasMessageContaining("subnet");
        assertThatThrownBy(() -> GLOWCouplingBlock.builder().subnet(Subnets.mlp(3))
                .build(List.of(Shape.of(3), Shape.of(2)), List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exactly one input");
    }

    @Test
    void aDirectCallWithTheWrongShapeFailsClearly() {
        var block = GLOWCouplingBlock.builder().subnet(Subnets.mlp(3)).build(List.of(Shape.of(4)), List.of());
        assertThatThrownBy(() -> block.forward(List.of(Tensors.zeros(2, 5)), List.of(), false, true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("GLOWCouplingBlock").hasMessageContaining("[B, 4]")
                .hasMessageContaining(Arrays.toString(new int[] {2, 5}));
    }
}
