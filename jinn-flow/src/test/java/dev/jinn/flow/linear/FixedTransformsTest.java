package dev.jinn.flow.linear;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.jinn.flow.FlowResult;
import dev.jinn.flow.ModuleSpec;
import dev.jinn.flow.Shape;
import dev.jinn.flow.testing.FlowConformance;
import dev.jinn.tensor.DType;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** PermuteRandom, FixedLinearTransform and Fixed1x1Conv: conformance, known answers, FrEIA state dicts, errors. */
class FixedTransformsTest {
    /** A well-conditioned random matrix: identity plus small noise, in float64. */
    private static Tensor matrix(long seed, int d) {
        return Tensors.eye(DType.FLOAT64, d).mul(1.5).add(Tensors.randn(new Rng(seed), DType.FLOAT64, d, d).mul(0.3));
    }

    static Stream<Arguments> conformanceCases() {
        return Stream.of(
                Arguments.of("PermuteRandom seeded, dense", PermuteRandom.seed(1), Shape.of(6)),
                Arguments.of("PermuteRandom seeded, image", PermuteRandom.seed(3), Shape.of(4, 2, 3)),
                // each build draws a new permutation: only a persistent state dict makes the copies agree
                Arguments.of("PermuteRandom from an Rng", PermuteRandom.rng(new Rng(5)), Shape.of(7, 2)),
                Arguments.of("FixedLinearTransform", FixedLinearTransform.spec(matrix(1, 3)), Shape.of(3)),
                Arguments.of("FixedLinearTransform with offset",
                        FixedLinearTransform.spec(matrix(2, 4), Tensors.of(new double[] {1, -2, 0.5, 3})), Shape.of(4)),
                Arguments.of("Fixed1x1Conv", Fixed1x1Conv.spec(matrix(3, 3)), Shape.of(3, 2, 3)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("conformanceCases")
    void conforms(String label, ModuleSpec spec, Shape shape) {
        FlowConformance.of(label, spec, List.of(shape), List.of()).run();
    }

    @Test
    void permuteRandomWithSeedIsNumpysPermutationAlongTheChannels() {
        PermuteRandom p = (PermuteRandom) PermuteRandom.seed(0).build(List.of(Shape.of(10, 2)), List.of());
        int[] perm = {2, 8, 4, 9, 1, 6, 7, 3, 0, 5};
        assertThat(p.permutation()).containsExactly(perm);
        Tensor x = Tensors.randn(new Rng(1), DType.FLOAT64, 3, 10, 2);
        Tensor y = p.forward(x).output();
        for (int i = 0; i < 10; i++) {
            assertThat(y.narrow(1, i, 1).toDoubleArray()).containsExactly(x.narrow(1, perm[i], 1).toDoubleArray());
        }
        assertThat(p.inverse(y).output().toDoubleArray()).containsExactly(x.toDoubleArray());
    }

    @Test
    void permuteRandomStateDictIsFreias() {
        PermuteRandom p = new PermuteRandom(List.of(Shape.of(3)), 0L);
        Map<String, Tensor> state = p.stateDict();
        assertThat(state).containsOnlyKeys("perm", "perm_inv");
        assertThat(state.get("perm").dtype()).isEqualTo(DType.INT64);
        // a FrEIA checkpoint with another permutation replaces this one
        Map<String, Tensor> freia = new LinkedHashMap<>();
        freia.put("perm", Tensors.of(new long[] {1, 2, 0}));
        freia.put("perm_inv", Tensors.of(new long[] {2, 0, 1}));
        p.loadStateDict(freia, true);
        Tensor x = Tensors.of(new double[] {10, 20, 30}, 1, 3);
        assertThat(p.forward(x).output().toDoubleArray()).containsExactly(20, 30, 10);
        assertThat(p.permutation()).containsExactly(1, 2, 0);
    }

    @Test
    void permuteRandomFromTheSameRngSeedIsReproducible() {
        int[] a = new PermuteRandom(List.of(Shape.of(20)), new Rng(9)).permutation();
        int[] b = new PermuteRandom(List.of(Shape.of(20)), new Rng(9)).permutation();
        assertThat(a).containsExactly(b).containsExactlyInAnyOrder(IntStream.range(0, 20).toArray());
        assertThatThrownBy(() -> PermuteRandom.seed(-3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2^32 - 1");
    }

    @Test
    void fixedLinearTransformByHand() {
        // M = [[2, 1], [0, 3]], b = (1, −1): M·(1, 2) + b = (2 + 2 + 1, 6 − 1) = (5, 5); det M = 6
        Tensor m = Tensors.of(new double[] {2, 1, 0, 3}, 2, 2);
        FixedLinearTransform t = new FixedLinearTransform(List.of(Shape.of(2)), m, Tensors.of(new double[] {1, -1}));
        FlowResult r = t.forward(Tensors.of(new double[] {1, 2}, 1, 2));
        assertThat(r.output().toDoubleArray()).containsExactly(5, 5);
        assertThat(r.logDet().item()).isCloseTo(Math.log(6), within(1e-12));
        FlowResult back = t.inverse(r.output());
        assertThat(back.output().toDoubleArray()[0]).isCloseTo(1, within(1e-12));
        assertThat(back.output().toDoubleArray()[1]).isCloseTo(2, within(1e-12));
        assertThat(back.logDet().item()).isCloseTo(-Math.log(6), within(1e-12));

        Map<String, Tensor> state = t.stateDict();
        assertThat(state).containsOnlyKeys("M", "M_inv", "b", "logDetM");
        assertThat(state.get("M").toDoubleArray()).as("FrEIA stores Mᵀ").containsExactly(2, 0, 1, 3);
        assertThat(state.get("b").shape()).containsExactly(1, 2);
        assertThat(state.get("logDetM").shape()).isEmpty();
        assertThat(new FixedLinearTransform(List.of(Shape.of(2)), m).stateDict().get("b").shape()).isEmpty();
    }

    @Test
    void fixed1x1ConvAppliesTheTransposePerPixel() {
        // Mᵀ·(1, 2) = [[2, 0], [1, 3]]·(1, 2) = (2, 7) at each of the 2 pixels; log-det 2·ln 6
        Tensor m = Tensors.of(new double[] {2, 1, 0, 3}, 2, 2);
        Fixed1x1Conv conv = new Fixed1x1Conv(List.of(Shape.of(2, 1, 2)), m);
        Tensor x = Tensors.of(new double[] {1, 1, 2, 2}, 1, 2, 1, 2);
        FlowResult r = conv.forward(x);
        assertThat(r.output().toDoubleArray()).containsExactly(2, 2, 7, 7);
        assertThat(r.logDet().item()).isCloseTo(2 * Math.log(6), within(1e-12));
        assertThat(conv.stateDict().get("M").shape()).containsExactly(2, 2, 1, 1);
        assertThat(conv.stateDict().get("M_inv").shape()).containsExactly(2, 2, 1, 1);
    }

    @Test
    void float32MatricesServeFloat32Data() {
        Tensor m = Tensors.of(new float[] {2, 1, 0, 3}, 2, 2);
        FixedLinearTransform t = new FixedLinearTransform(List.of(Shape.of(2)), m);
        assertThat(t.stateDict().get("M").dtype()).isEqualTo(DType.FLOAT32);
        Tensor y = t.forward(Tensors.of(new float[] {1, 2}, 1, 2)).output();
        assertThat(y.dtype()).isEqualTo(DType.FLOAT32);
        assertThat(y.toDoubleArray()).containsExactly(4, 6);
    }

    @Test
    void badMatricesFailClearly() {
        Tensor singular = Tensors.of(new double[] {1, 2, 2, 4}, 2, 2);
        assertThatThrownBy(() -> new FixedLinearTransform(List.of(Shape.of(2)), singular))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("singular");
        assertThatThrownBy(() -> new Fixed1x1Conv(List.of(Shape.of(3, 2, 2)), Tensors.eye(DType.FLOAT64, 2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[3, 3]").hasMessageContaining("[2, 2]");
        assertThatThrownBy(() -> new Fixed1x1Conv(List.of(Shape.of(3)), Tensors.eye(DType.FLOAT64, 3)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("(C, H, W)");
        assertThatThrownBy(() -> new FixedLinearTransform(List.of(Shape.of(2, 2)), Tensors.eye(DType.FLOAT64, 2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("(d,)");
        assertThatThrownBy(() -> new FixedLinearTransform(List.of(Shape.of(2)), Tensors.eye(DType.FLOAT64, 2),
                Tensors.zeros(DType.FLOAT64, 3)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("b must");
        assertThatThrownBy(() -> new FixedLinearTransform(List.of(Shape.of(2)), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("M is required");
    }
}
