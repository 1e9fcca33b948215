package dev.jinn.flow.spline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.jinn.flow.FlowResult;
import dev.jinn.flow.Shape;
import dev.jinn.flow.Subnets;
import dev.jinn.flow.testing.FlowConformance;
import dev.jinn.tensor.DType;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ElementwiseRationalQuadraticSplineTest {
    /** Standard normal inputs times 3: about a third of the elements fall outside the default domain [−3, 3]. */
    private static FlowConformance conformance(String label, ElementwiseRationalQuadraticSpline.Builder spec,
            Shape in, List<Shape> conds) {
        return FlowConformance.of(label, spec, List.of(in), conds)
                .inputs((rng, b) -> List.of(Tensors.randn(rng, DType.FLOAT64, in.withBatch(b)).mul(3)));
    }

    @Test
    void unconditionalConformance() {
        conformance("ERQS (3,)", ElementwiseRationalQuadraticSpline.builder(), Shape.of(3), List.of()).run();
        conformance("ERQS (2,4,4)", ElementwiseRationalQuadraticSpline.builder().bins(4), Shape.of(2, 4, 4), List.of())
                .run();
        conformance("ERQS identity tails", ElementwiseRationalQuadraticSpline.builder().identityTails(true).bins(5),
                Shape.of(10), List.of()).run();
        conformance("ERQS domain clamping", ElementwiseRationalQuadraticSpline.builder().domainClamping(4)
                .minBinSizes(0.01, 0.2), Shape.of(3), List.of()).seed(11).run();
    }

    @Test
    void conditionalConformance() {
        conformance("ERQS (3,) | (4,)", ElementwiseRationalQuadraticSpline.builder().subnet(Subnets.mlp(8)).bins(3),
                Shape.of(3), List.of(Shape.of(4))).run();
        conformance("ERQS (2,4,4) | (3,4,4), (1,4,4)", ElementwiseRationalQuadraticSpline.builder()
                .subnet(Subnets.conv(4, 3)).bins(3), Shape.of(2, 4, 4), List.of(Shape.of(3, 4, 4), Shape.of(1, 4, 4)))
                .run();
    }

    @Test
    void freshBlockIsTheIdentity() {
        var m = ElementwiseRationalQuadraticSpline.builder().build(List.of(Shape.of(4)), List.of());
        Tensor x = Tensors.of(new float[] {-7.5f, -1.3f, 0.2f, 2.9f, 3.5f, 0f, 1e-3f, 12f}, 2, 4);
        FlowResult r = m.forward(x);
        assertThat(r.output().allClose(x, 0, 1e-5)).isTrue();
        assertThat(r.logDet().abs().max().item()).isLessThan(1e-5);
        assertThat(m.inverse(x).output().allClose(x, 0, 1e-5)).isTrue();
    }

    @Test
    void stateDictHasFreiaNames() {
        var plain = ElementwiseRationalQuadraticSpline.builder().build(List.of(Shape.of(3, 2, 2)), List.of());
        assertThat(plain.stateDict().keySet()).containsExactlyInAnyOrder("spline_parameters", "bins",
                "min_bin_sizes", "default_domain", "identity_tails", "default_width");
        // P = 3·10 + 1 = 31 per element.
        assertThat(plain.parameter("spline_parameters").shape()).containsExactly(93, 2, 2);
        var cond = ElementwiseRationalQuadraticSpline.builder().subnet(Subnets.mlp(5)).identityTails(true)
                .build(List.of(Shape.of(3)), List.of(Shape.of(2)));
        assertThat(cond.stateDict().keySet()).contains("subnet.0.weight", "subnet.2.bias", "identity_tails")
                .doesNotContain("spline_parameters");
        // Identity tails: P = 3·10 per element, 3 channels.
        assertThat(cond.stateDict().get("subnet.2.bias").shape()).containsExactly(90);
    }

    @Test
    void loadedConfigurationBuffersAreUsed() {
        // Zero parameters on a loaded domain [−3, 3] × [−6, 6]: bins 0.6 wide and 1.2 high (s = 2), inner knot
        // derivatives 1, boundary derivatives and tails 2.
        var m = ElementwiseRationalQuadraticSpline.builder().build(List.of(Shape.of(2)), List.of());
        Map<String, Tensor> state = new HashMap<>(m.stateDict());
        state.put("default_domain", Tensors.of(new float[] {-3, 3, -6, 6}, 4));
        m.loadStateDict(state, true);
        assertThat(m.settings().top()).isEqualTo(6);
        FlowResult r = m.forward(Tensors.of(new float[] {1, -4}, 1, 2));
        // x = 1 lies in the bin (0.6, 1.2] → (1.2, 2.4], ξ = 2/3, ξ(1−ξ) = 2/9:
        // y = 1.2 + 1.2·(2·4/9 + 1·2/9) / (2 + (1 + 1 − 4)·2/9) = 1.2 + 12/14,
        // f' = 2²·(1·4/9 + 2·2·2/9 + 1·1/9) / (14/9)² = 468/196. x = −4 is on the tail y = 2x.
        assertThat(r.output().toDoubleArray()).containsExactly(new double[] {1.2 + 12.0 / 14, -8}, within(1e-5));
        assertThat(r.logDet().item()).isCloseTo(Math.log(468.0 / 196) + Math.log(2), within(1e-5));
    }

    @Test
    void errorsNameTheModule() {
        assertThatThrownBy(() -> ElementwiseRationalQuadraticSpline.builder().bins(0).build(List.of(Shape.of(3)),
                List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ElementwiseRationalQuadraticSpline").hasMessageContaining("bins=0");
        assertThatThrownBy(() -> ElementwiseRationalQuadraticSpline.builder().build(List.of(Shape.of(3)),
                List.of(Shape.of(2))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("subnet");
        assertThatThrownBy(() -> ElementwiseRationalQuadraticSpline.builder().subnet(Subnets.mlp(4))
                .build(List.of(Shape.of(3, 4, 4)), List.of(Shape.of(2))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("condition 0 has shape (2,)");
        assertThatThrownBy(() -> ElementwiseRationalQuadraticSpline.builder().defaultDomain(-0.4, 0.4, -1, 1)
                .build(List.of(Shape.of(3)), List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("do not fit");
    }

    @Test
    void subnetOfTheWrongSizeIsAClearError() {
        // A subnet that ignores the requested output size: the spline names the expected parameter shape.
        var m = ElementwiseRationalQuadraticSpline.builder().subnet((in, out) -> Subnets.mlp().build(in, out + 1))
                .bins(2).build(List.of(Shape.of(3)), List.of(Shape.of(2)));
        Rng rng = new Rng(1);
        assertThatThrownBy(() -> m.forward(Tensors.randn(rng, 4, 3), List.of(Tensors.randn(rng, 4, 2))))
                .hasMessageContaining("ElementwiseRationalQuadraticSpline")
                .hasStackTraceContaining("expected raw parameters of shape [4, 21]");
    }
}
