package dev.jinn.flow.spline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.jinn.autograd.Grad;
import dev.jinn.flow.FlowResult;
import dev.jinn.flow.ModuleSpec;
import dev.jinn.flow.Shape;
import dev.jinn.flow.SubnetConstructor;
import dev.jinn.flow.Subnets;
import dev.jinn.flow.testing.FlowConformance;
import dev.jinn.nn.Linear;
import dev.jinn.tensor.DType;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The coupling spline blocks RationalQuadraticSpline and LinearSpline on the shared two-sided machinery. */
class SplineCouplingTest {
    /** Standard normal inputs times 3: about a third of the elements fall outside the default domain [−3, 3]. */
    private static void conformance(String label, ModuleSpec spec, Shape in, List<Shape> conds) {
        FlowConformance.of(label, spec, List.of(in), conds)
                .inputs((rng, b) -> List.of(Tensors.randn(rng, DType.FLOAT64, in.withBatch(b)).mul(3))).run();
    }

    @Test
    void rationalQuadraticConformance() {
        conformance("RQS (3,)", RationalQuadraticSpline.builder().subnet(Subnets.mlp(8)).bins(4), Shape.of(3),
                List.of());
        conformance("RQS (3,) | (4,)", RationalQuadraticSpline.builder().subnet(Subnets.mlp(8)).bins(4),
                Shape.of(3), List.of(Shape.of(4)));
        conformance("RQS (2,4,4) conv", RationalQuadraticSpline.builder().subnet(Subnets.conv(4, 3)).bins(3),
                Shape.of(2, 4, 4), List.of());
        conformance("RQS (3,4,4) | (1,4,4) 1x1", RationalQuadraticSpline.builder().subnet(Subnets.conv1x1(4))
                .bins(3), Shape.of(3, 4, 4), List.of(Shape.of(1, 4, 4)));
        // C = 1: len1 = round(0.5) = 0, so only the second half (the whole input) is splined.
        conformance("RQS (1,)", RationalQuadraticSpline.builder().subnet(Subnets.mlp(8)).bins(4), Shape.of(1),
                List.of(Shape.of(2)));
        conformance("RQS identity tails split 0.4", RationalQuadraticSpline.builder().subnet(Subnets.mlp(8))
                .identityTails(true).splitLen(0.4).bins(5), Shape.of(5), List.of());
    }

    @Test
    void linearConformance() {
        conformance("LinearSpline (3,)", LinearSpline.builder().subnet(Subnets.mlp(8)).bins(4), Shape.of(3),
                List.of());
        conformance("LinearSpline (3,) | (4,)", LinearSpline.builder().subnet(Subnets.mlp(8)).bins(4), Shape.of(3),
                List.of(Shape.of(4)));
        conformance("LinearSpline (2,4,4) conv", LinearSpline.builder().subnet(Subnets.conv(4, 3)).bins(3),
                Shape.of(2, 4, 4), List.of());
        conformance("LinearSpline identity tails, clamped", LinearSpline.builder().subnet(Subnets.mlp(8)).bins(3)
                .identityTails(true).domainClamping(5), Shape.of(4), List.of());
    }

    @Test
    void subnetShapesAndFreiaNames() {
        // C = 3 splits as len1 = round(1.5) = 2 (half to even), len2 = 1; P = 3·10 + 1 = 31.
        var rqs = RationalQuadraticSpline.builder().subnet(Subnets.mlp(5)).build(List.of(Shape.of(3)),
                List.of(Shape.of(4)));
        var state = rqs.stateDict();
        assertThat(state.get("subnet1.0.weight").shape()).containsExactly(5, 1 + 4);
        assertThat(state.get("subnet1.2.weight").shape()).containsExactly(2 * 31, 5);
        assertThat(state.get("subnet2.0.weight").shape()).containsExactly(5, 2 + 4);
        assertThat(state.get("subnet2.2.weight").shape()).containsExactly(31, 5);
        assertThat(state.keySet()).contains("spline_base.bins", "spline_base.min_bin_sizes",
                "spline_base.default_domain", "spline_base.identity_tails", "spline_base.default_width");
        // Linear spline: P = 2·10 + 2 = 22.
        var lin = LinearSpline.builder().subnet(Subnets.mlp(5)).build(List.of(Shape.of(3)), List.of());
        assertThat(lin.stateDict().get("subnet1.2.weight").shape()).containsExactly(44, 5);
    }

    @Test
    void zeroInitialisedSubnetsGiveTheIdentity() {
        for (ModuleSpec spec : List.<ModuleSpec>of(
                RationalQuadraticSpline.builder().subnet(Subnets.mlp(8).zeroInitLast()),
                LinearSpline.builder().subnet(Subnets.mlp(8).zeroInitLast()).identityTails(true))) {
            var m = spec.build(List.of(Shape.of(3)), List.of());
            Tensor x = Tensors.of(new float[] {-5, 0.3f, 2.9f, 3.1f, -2.2f, 8}, 2, 3);
            FlowResult r = m.forward(x);
            assertThat(r.output().allClose(x, 0, 1e-5)).isTrue();
            assertThat(r.logDet().abs().max().item()).isLessThan(1e-5);
        }
    }

    /** A subnet whose output is its bias alone (zero weights), so the spline parameters are set by hand. */
    private static final SubnetConstructor BIAS_ONLY = (in, out) -> {
        Linear l = new Linear(in, out);
        try (var g = Grad.disabled()) {
            l.weight().fill(0);
        }
        return l;
    };

    @Test
    void subnet1TransformsTheFirstHalf() {
        // Linear spline, 2 bins on [−1, 1] × [−2, 2]. subnet1 puts knots x (−1, −0.5, 1),
        // y (−2, −0.5, 2) on x1; subnet2 outputs zeros: default bins of width 1, height 2, so y2 = 2·x2 everywhere.
        double ws = Math.log(Math.expm1(1));
        double hs = Math.log(Math.expm1(2));
        double[] knots = {Math.log(Math.expm1(0.5)) - ws, Math.log(Math.expm1(1.5)) - ws,
            Math.log(Math.expm1(1.5)) - hs, Math.log(Math.expm1(2.5)) - hs, 0, 0};
        var m = LinearSpline.builder().subnet(BIAS_ONLY).bins(2).minBinSizes(0, 0)
                .defaultDomain(-1, 1, -2, 2).build(List.of(Shape.of(2)), List.of());
        m.to(DType.FLOAT64);
        try (var g = Grad.disabled()) {
            m.stateDict().get("subnet1.bias").copyFrom(Tensors.of(knots, 6));
            m.stateDict().get("subnet2.bias").fill(0);
        }
        FlowResult r = m.forward(Tensors.of(new double[] {0.1, 0.3, -0.5, 4}, 2, 2));
        // x1 = 0.1 is in bin 1 (slope 5/3): −0.5 + 0.6·5/3 = 0.5; x1 = −0.5 is the knot ending bin 0 (slope 3).
        assertThat(r.output().toDoubleArray()).containsExactly(new double[] {0.5, 0.6, -0.5, 8}, within(1e-13));
        assertThat(r.logDet().toDoubleArray()).containsExactly(new double[] {Math.log(5.0 / 3) + Math.log(2),
            Math.log(3) + Math.log(2)}, within(1e-13));
        FlowResult back = m.inverse(r.output());
        assertThat(back.output().toDoubleArray()).containsExactly(new double[] {0.1, 0.3, -0.5, 4}, within(1e-13));
    }

    @Test
    void errorsNameTheBlock() {
        assertThatThrownBy(() -> RationalQuadraticSpline.builder().build(List.of(Shape.of(3)), List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("RationalQuadraticSpline")
                .hasMessageContaining("subnet");
        assertThatThrownBy(() -> LinearSpline.builder().subnet(Subnets.mlp(4)).bins(0)
                .build(List.of(Shape.of(3)), List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("LinearSpline")
                .hasMessageContaining("at least one bin");
        assertThatThrownBy(() -> RationalQuadraticSpline.builder().subnet(Subnets.mlp(4)).defaultDomain(3, -3, -3, 3)
                .build(List.of(Shape.of(3)), List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("x domain must be increasing");
        assertThatThrownBy(() -> RationalQuadraticSpline.builder().subnet(Subnets.mlp(4)).bins(61)
                .build(List.of(Shape.of(3)), List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("do not fit");
        assertThatThrownBy(() -> RationalQuadraticSpline.builder().subnet(Subnets.mlp(4))
                .build(List.of(Shape.of(3, 4, 4)), List.of(Shape.of(2))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("condition 0");
    }
}
