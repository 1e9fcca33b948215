package dev.jinn.flow.invauto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jinn.autograd.Grad;
import dev.jinn.flow.FlowResult;
import dev.jinn.flow.InvertibleModule;
import dev.jinn.flow.ModuleSpec;
import dev.jinn.flow.Shape;
import dev.jinn.flow.UnconditionalSpec;
import dev.jinn.flow.elementwise.InvAutoActFixed;
import dev.jinn.flow.testing.FlowConformance;
import dev.jinn.tensor.DType;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The invertible-autoencoder layers: at an orthogonal weight (where training drives them) their transposed
 * reverse is the exact inverse and FrEIA's log-det of 0 is the exact one, so they pass the conformance harness
 * there; elsewhere they are FrEIA's maps (see FreiaCheckpointTest) and not invertible.
 */
class InvAutoLayersTest {
    @Test
    void fullyConnectedLayerConformsAtAnOrthogonalWeight() {
        UnconditionalSpec spec = in -> withWeight(new InvAutoFC(in, 0, new Rng(1)), "weights", orthogonal(2));
        FlowConformance.of("InvAutoFC", spec, List.of(Shape.of(4)), List.of()).parameterNoise(0).run();
    }

    @Test
    void convolutionalLayerConformsAtAnOrthogonalKernel() {
        // A kernel whose only nonzero tap is the centre, holding an orthogonal channel matrix: an orthogonal
        // convolution, whose transposed convolution with the same padding is its inverse.
        UnconditionalSpec spec = in -> {
            Tensor q = orthogonal(3).to(DType.FLOAT32);
            Tensor kernel = Tensors.zeros(4, 4, 3, 3);
            kernel.narrow(2, 1, 1).narrow(3, 1, 1).copyFrom(q.reshape(4, 4, 1, 1));
            return withWeight(new InvAutoConv2D(in, 0, 3, 1, new Rng(4)), "conv2d.weight", kernel);
        };
        FlowConformance.of("InvAutoConv2D", spec, List.of(Shape.of(4, 3, 5)), List.of()).parameterNoise(0).run();
    }

    @Test
    void fixedActivationConformsAndTrainsNothing() {
        ModuleSpec spec = InvAutoActFixed.spec(1.6);
        FlowConformance.of("InvAutoActFixed", spec, List.of(Shape.of(3, 2, 2)), List.of()).run();
        InvertibleModule act = spec.build(List.of(Shape.of(3)), List.of());
        assertThat(act.parameters()).isEmpty();
        assertThat(act.stateDict()).containsOnlyKeys("alpha");
        assertThat(act.stateDict().get("alpha").shape()).containsExactly(1, 3);
    }

    @Test
    void stateDictNamesAndShapesAreFreias() {
        InvAutoFC fc = new InvAutoFC(List.of(Shape.of(6)), 4, new Rng(2));
        assertThat(fc.stateDict()).containsOnlyKeys("weights", "bias");
        assertThat(fc.stateDict().get("weights").shape()).containsExactly(4, 6);
        assertThat(fc.stateDict().get("bias").shape()).containsExactly(1, 4);
        assertThat(fc.dimsOut()).containsExactly(Shape.of(4));
        InvAutoConv2D conv = new InvAutoConv2D(List.of(Shape.of(2, 6, 6)), 5, 3, 0, new Rng(3));
        assertThat(conv.stateDict()).containsOnlyKeys("conv2d.weight", "bias");
        assertThat(conv.stateDict().get("conv2d.weight").shape()).containsExactly(5, 2, 3, 3);
        assertThat(conv.stateDict().get("bias").shape()).containsExactly(1, 5, 1, 1);
        assertThat(conv.dimsOut()).containsExactly(Shape.of(5, 4, 4));
    }

    @Test
    void theReverseIsTheTransposeEvenWhenItIsNotTheInverse() {
        InvAutoFC fc = new InvAutoFC(List.of(Shape.of(3)), 2, new Rng(5));
        fc.to(DType.FLOAT64);
        Tensor w = fc.parameter("weights");
        Tensor b = fc.parameter("bias");
        Tensor y = Tensors.randn(new Rng(6), DType.FLOAT64, 4, 2);
        try (var g = Grad.disabled()) {
            FlowResult back = fc.inverse(y);
            double[] got = back.output().toDoubleArray();
            double[] want = y.sub(b).matmul(w).toDoubleArray();
            assertThat(got).containsExactly(want);
            assertThat(back.logDet().toDoubleArray()).containsOnly(0.0);
        }
    }

    @Test
    void badSizesAreNamed() {
        assertThatThrownBy(() -> new InvAutoFC(List.of(Shape.of(2, 3)), 0, new Rng(1)))
                .hasMessage("InvAutoFC expects an input of shape (d,), got " + Shape.of(2, 3));
        assertThatThrownBy(() -> new InvAutoConv2D(List.of(Shape.of(4)), 0, 3, 1, new Rng(1)))
                .hasMessageContaining("InvAutoConv2D expects an input of shape (C, H, W)");
        assertThatThrownBy(() -> new InvAutoConv2D(List.of(Shape.of(1, 2, 2)), 0, 5, 0, new Rng(1)))
                .hasMessage("InvAutoConv2D: need output channels >= 0 (0: the input's), kernel size >= 1 and padding"
                        + " >= 0 leaving an output image, got 0, 5 and 0 for input " + Shape.of(1, 2, 2));
        assertThatThrownBy(() -> new InvAutoFC(List.of(Shape.of(3)), -2, new Rng(1)))
                .hasMessage("InvAutoFC: dims_out must be positive (or 0 for the input width 3), got -2");
    }

    /**
     * An orthogonal matrix exact in float32 (so the module's float32 parameters hold it without rounding):
     * {@code P·(H/2)·Q} with H the 4×4 Hadamard matrix, entries ±1/2, and P, Q signed permutations drawn from
     * the seed.
     */
    static Tensor orthogonal(long seed) {
        double[][] h = {{1, 1, 1, 1}, {1, -1, 1, -1}, {1, 1, -1, -1}, {1, -1, -1, 1}};
        Rng rng = new Rng(seed);
        long[] p = Tensors.randperm(rng, 4).toLongArray();
        long[] q = Tensors.randperm(rng, 4).toLongArray();
        double[] signs = Tensors.randn(rng, DType.FLOAT64, 8).toDoubleArray();
        double[] m = new double[16];
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 4; j++) {
                double sign = Math.signum(signs[i]) * Math.signum(signs[4 + j]);
                m[i * 4 + j] = sign * h[(int) p[i]][(int) q[j]] / 2;
            }
        }
        return Tensors.of(m, 4, 4);
    }

    private static InvertibleModule withWeight(InvertibleModule m, String key, Tensor value) {
        m.loadStateDict(java.util.Map.of(key, value.to(DType.FLOAT32), "bias", m.stateDict().get("bias")), true);
        return m;
    }
}
