package dev.jinn.flow.residual;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jinn.autograd.Grad;
import dev.jinn.flow.FlowException;
import dev.jinn.flow.FlowResult;
import dev.jinn.flow.ModuleSpec;
import dev.jinn.flow.SequenceINN;
import dev.jinn.flow.Shape;
import dev.jinn.flow.testing.FlowConformance;
import dev.jinn.tensor.DType;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class IResNetLayerTest {
    /** FrEIA's layer, corrected once, with the exact log-det so that the harness's exact checks apply. */
    private static ModuleSpec exactExplicit(long seed, UnaryOperator<IResNetLayer.Builder> options) {
        return (in, c) -> {
            IResNetLayer m = options.apply(IResNetLayer.builder().logDet(LogDetMethod.exact())
                    .fixedPointIterations(500).rng(new Rng(seed))).build(in, c);
            m.lipschitzCorrection();
            return m;
        };
    }

    @Test
    void conformsOnVectors() {
        FlowConformance.of("IResNetLayer (4,)", exactExplicit(1, b -> b), List.of(Shape.of(4)), List.of())
                .parameterNoise(0.02).run();
    }

    @Test
    void conformsOnVectorsWithLipSwishAndTwoInternalLayers() {
        FlowConformance.of("IResNetLayer (3,) LipSwish",
                exactExplicit(2, b -> b.activation(LipSwish::new).nInternalLayers(2).internalSize(5)),
                List.of(Shape.of(3)), List.of()).parameterNoise(0.02).run();
    }

    @Test
    void conformsOn1dSignals() {
        FlowConformance.of("IResNetLayer (2, 5)", exactExplicit(3, b -> b), List.of(Shape.of(2, 5)), List.of())
                .parameterNoise(0.02).batch(2).run();
    }

    @Test
    void conformsOnImages() {
        FlowConformance.of("IResNetLayer (2, 3, 3)", exactExplicit(4, b -> b.internalSize(3)),
                List.of(Shape.of(2, 3, 3)), List.of()).parameterNoise(0.02).batch(2).run();
    }

    @Test
    void conformsWithSoftNormalisationInEvalMode() {
        // In eval mode the stored vectors do not move, so the map is a fixed function of the state dict; the
        // exact log-det is the default there for small samples.
        ModuleSpec spec = (in, c) -> {
            IResNetLayer m = IResNetLayer.builder().normalisation(Normalisation.SOFT).spectralNormMax(0.9)
                    .fixedPointIterations(500).rng(new Rng(5)).build(in, c);
            m.eval();
            return m;
        };
        FlowConformance.of("IResNetLayer soft (4,)", spec, List.of(Shape.of(4)), List.of()).parameterNoise(0.02).run();
    }

    @Test
    void usesFreiasParameterNames() {
        IResNetLayer dense = new IResNetLayer(List.of(Shape.of(3)), List.of());
        assertThat(dense.stateDict().keySet()).containsExactly("residual.0.weight", "residual.0.bias",
                "residual.2.weight", "residual.2.bias", "residual.4.weight", "residual.4.bias");
        assertThat(dense.stateDict().get("residual.0.weight").shape()).containsExactly(6, 3);
        assertThat(dense.stateDict().get("residual.4.weight").shape()).containsExactly(3, 6);
        IResNetLayer conv = IResNetLayer.builder().internalSize(5).build(List.of(Shape.of(3, 4, 4)), List.of());
        assertThat(conv.stateDict().get("residual.0.weight").shape()).containsExactly(5, 3, 3, 3);
        assertThat(conv.stateDict().get("residual.2.weight").shape()).containsExactly(5, 5, 3, 3);
        assertThat(conv.stateDict().get("residual.4.weight").shape()).containsExactly(3, 5, 3, 3);
    }

    @Test
    void lipschitzCorrectionBoundsTheBranch() {
        IResNetLayer m = IResNetLayer.builder().rng(new Rng(6)).build(List.of(Shape.of(2, 5, 5)), List.of());
        m.to(DType.FLOAT64);
        try (var g = Grad.disabled()) {
            for (Tensor p : m.parameters()) {
                p.copyFrom(p.mul(3.0));
            }
        }
        assertThat(m.lipschitzBound()).isGreaterThan(1.0);
        m.lipschitzCorrection();
        for (SpectralNorm layer : m.residual().spectralLayers()) {
            assertThat(SpectralNormTest.measuredNorm(layer, layer.sampleShape())).isLessThanOrEqualTo(0.8 + 1e-3);
        }
        assertThat(m.lipschitzBound()).isLessThanOrEqualTo(Math.pow(0.8 + 1e-3, 3));
    }

    /**
     * FrEIA's test: five i-ResNet layers on (20,) and on (3, 10, 10), inverse within 1e-6, estimated log-det
     * against the numerical one within atol 1.5 / rtol 0.15 (jinn's own checks are tighter, see the conformance
     * tests).
     */
    @Test
    void worksInASequenceLikeFreiasTest() {
        for (Shape shape : List.of(Shape.of(20), Shape.of(3, 10, 10))) {
            SequenceINN inn = new SequenceINN(shape);
            for (int k = 0; k < 5; k++) {
                inn.append(IResNetLayer.builder().rng(new Rng(10 + k)));
            }
            for (var block : inn) {
                ((IResNetLayer) block).lipschitzCorrection();
            }
            Tensor x = Tensors.randn(new Rng(1), shape.withBatch(2));
            FlowResult fwd = inn.forward(x);
            FlowResult rev = inn.inverse(fwd.output());
            assertThat(rev.output().sub(x).abs().max().item()).as(shape + " inverse").isLessThan(1e-6);
            inn.to(DType.FLOAT64);
            Tensor x64 = x.to(DType.FLOAT64);
            double[] want = FlowConformance.bruteForceLogDet(inn, List.of(x64), List.of()).toDoubleArray();
            double[] est = inn.forward(x64).logDet().toDoubleArray();
            for (int b = 0; b < want.length; b++) {
                assertThat(Math.abs(est[b] - want[b])).as(shape + " log-det " + est[b] + " vs " + want[b])
                        .isLessThanOrEqualTo(1.5 + 0.15 * Math.abs(want[b]));
            }
        }
    }

    @Test
    void reportsTheInversionAndWarnsOrThrowsWhenItFails() {
        IResNetLayer ok = IResNetLayer.builder().rng(new Rng(7)).build(List.of(Shape.of(3)), List.of());
        ok.to(DType.FLOAT64);
        ok.lipschitzCorrection();
        Tensor y = Tensors.randn(new Rng(2), DType.FLOAT64, 5, 3);
        ok.inverse(y);
        assertThat(ok.lastInversion().converged()).isTrue();
        assertThat(ok.lastInversion().iterations()).isBetween(2, 50);
        assertThat(ok.lastInversion().residual()).isLessThan(1e-12);

        ModuleSpec expanding = (in, c) -> {
            IResNetLayer m = IResNetLayer.builder().rng(new Rng(8)).fixedPoint(FixedPointSolver.defaults()
                    .maxIterations(20).throwOnFailure(true)).build(in, c);
            m.lipschitzCorrection();
            try (var g = Grad.disabled()) {
                for (SpectralNorm l : m.residual().spectralLayers()) {
                    l.weight().copyFrom(l.weight().mul(4.0)); // Lip(g) up to (3.2)³: no contraction any more
                }
            }
            return m;
        };
        IResNetLayer bad = (IResNetLayer) expanding.build(List.of(Shape.of(3)), List.of());
        assertThatThrownBy(() -> bad.inverse(Tensors.randn(new Rng(3), 5, 3).mul(5))).isInstanceOf(FlowException.class)
                .hasRootCauseInstanceOf(FixedPointException.class).hasMessageContaining("IResNetLayer");
    }

    @Test
    void inverseIsDifferentiable() {
        IResNetLayer m = IResNetLayer.builder().rng(new Rng(9)).build(List.of(Shape.of(3)), List.of());
        m.lipschitzCorrection();
        Tensor y = Tensors.randn(new Rng(4), 4, 3).requiresGrad(true);
        FlowResult r = m.inverse(y);
        r.output().square().sum().add(r.logDet().sum()).backward();
        assertThat(y.grad()).isNotNull();
        for (Tensor p : m.parameters()) {
            assertThat(p.grad()).as("parameter gradient").isNotNull();
        }
    }

    @Test
    void rejectsConditionsAndUnsupportedShapes() {
        assertThatThrownBy(() -> new IResNetLayer(List.of(Shape.of(3)), List.of(Shape.of(2))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unconditional");
        assertThatThrownBy(() -> new IResNetLayer(List.of(Shape.of(1, 2, 3, 4)), List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("(C, H, W)");
        assertThatThrownBy(() -> IResNetLayer.builder().spectralNormMax(1.5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("spectral_norm_max");
    }
}
