package dev.jinn.flow.residual;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jinn.autograd.Grad;
import dev.jinn.tensor.DType;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SpectralNormTest {
    /**
     * The operator norm of the affine map a layer applies, measured independently of the layer's own estimate:
     * the matrix of {@code x ↦ layer(x) − layer(0)} is built column by column from unit inputs, then its largest
     * singular value is taken.
     */
    static double measuredNorm(SpectralNorm layer, int[] sample) {
        try (var g = Grad.disabled()) {
            UnaryOperator<Tensor> f = layer.bind(sample, false);
            int d = 1;
            for (int s : sample) {
                d *= s;
            }
            int[] batched = new int[sample.length + 1];
            batched[0] = d;
            System.arraycopy(sample, 0, batched, 1, sample.length);
            Tensor unit = Tensors.eye(DType.FLOAT64, d).reshape(batched);
            int[] zeroShape = batched.clone();
            zeroShape[0] = 1;
            Tensor columns = f.apply(unit).sub(f.apply(Tensors.zeros(DType.FLOAT64, zeroShape))).reshape(d, -1);
            return columns.svd().s().toDoubleArray()[0];
        }
    }

    static Stream<Arguments> layers() {
        return Stream.of(
                Arguments.of("linear", SpectralNorm.linear(5, 7), new int[] {5}),
                Arguments.of("conv1d", SpectralNorm.conv1d(2, 3, 3).spatialSize(6), new int[] {2, 6}),
                Arguments.of("conv2d", SpectralNorm.conv2d(2, 3, 3).spatialSize(4, 5), new int[] {2, 4, 5}));
    }

    private static SpectralNorm inflated(SpectralNorm.Builder b, Normalisation mode, double c) {
        SpectralNorm layer = b.coefficient(c).normalisation(mode).rng(new Rng(3)).build();
        layer.to(DType.FLOAT64);
        try (var g = Grad.disabled()) {
            layer.weight().copyFrom(layer.weight().mul(4.0)); // far above the bound, and σ̂ stale
        }
        return layer;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layers")
    void explicitCorrectionBringsTheOperatorNormDownToC(String name, SpectralNorm.Builder b, int[] sample) {
        SpectralNorm layer = inflated(b, Normalisation.EXPLICIT, 0.7);
        assertThat(measuredNorm(layer, sample)).as("before the correction").isGreaterThan(1.0);
        layer.lipschitzCorrection(10);
        assertThat(measuredNorm(layer, sample)).isLessThanOrEqualTo(0.7 + 1e-3).isGreaterThan(0.7 - 1e-3);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layers")
    void softNormalisationKeepsTheAppliedNormAtMostCAfterCorrection(String name, SpectralNorm.Builder b, int[] sample) {
        SpectralNorm layer = inflated(b, Normalisation.SOFT, 0.7);
        Tensor raw = layer.weight().detach().copy();
        layer.lipschitzCorrection();
        double applied = measuredNorm(layer, sample);
        assertThat(applied).isLessThanOrEqualTo(0.7 + 1e-3).isGreaterThan(0.7 - 1e-3);
        // soft mode never rewrites the parameter itself
        assertThat(layer.weight().sub(raw).abs().max().item()).isEqualTo(0.0);
        assertThat(layer.operatorNorm()).isCloseTo(applied, org.assertj.core.data.Offset.offset(1e-6));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layers")
    void softNormalisationLeavesASmallWeightUnchanged(String name, SpectralNorm.Builder b, int[] sample) {
        SpectralNorm layer = b.coefficient(0.9).rng(new Rng(4)).build();
        layer.to(DType.FLOAT64);
        try (var g = Grad.disabled()) {
            layer.weight().copyFrom(layer.weight().mul(0.05));
        }
        layer.lipschitzCorrection();
        double raw = measuredNorm(layer, sample);
        assertThat(raw).isLessThan(0.9);
        assertThat(layer.effectiveWeight().sub(layer.weight()).abs().max().item()).isEqualTo(0.0);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layers")
    void operatorNormMatchesTheMatrixOfTheMap(String name, SpectralNorm.Builder b, int[] sample) {
        SpectralNorm layer = b.normalisation(Normalisation.EXPLICIT).rng(new Rng(8)).build();
        layer.to(DType.FLOAT64);
        assertThat(layer.operatorNorm()).isCloseTo(measuredNorm(layer, sample),
                org.assertj.core.data.Offset.offset(1e-8));
    }

    @Test
    void theConvolutionNormIsTheOperatorsNotTheReshapedKernels() {
        // A single 3-tap kernel [1, 1, 1] on length-8 signals with zero padding: the operator is a tridiagonal
        // Toeplitz matrix with norm 1 + 2cos(π/9), while the reshaped kernel has norm √3.
        SpectralNorm layer = SpectralNorm.conv1d(1, 1, 3).spatialSize(8).bias(false)
                .normalisation(Normalisation.EXPLICIT).coefficient(100).build();
        layer.to(DType.FLOAT64);
        try (var g = Grad.disabled()) {
            layer.weight().fill(1.0);
        }
        double expected = 1 + 2 * Math.cos(Math.PI / 9);
        assertThat(layer.lipschitzCorrection(1)).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-8));
        assertThat(layer.operatorNorm()).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-10));
        assertThat(layer.sigmaEstimate()).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-8));
    }

    @Test
    void vectorsArePersistentOnlyInSoftMode() {
        SpectralNorm soft = SpectralNorm.linear(3, 4).build();
        SpectralNorm explicit = SpectralNorm.linear(3, 4).normalisation(Normalisation.EXPLICIT).build();
        assertThat(soft.stateDict()).containsOnlyKeys("weight", "bias", "u", "v");
        assertThat(soft.stateDict().get("u").shape()).containsExactly(4);
        assertThat(soft.stateDict().get("v").shape()).containsExactly(3);
        assertThat(explicit.stateDict()).containsOnlyKeys("weight", "bias");
    }

    @Test
    void powerIterationAdvancesOnlyWhenAsked() {
        SpectralNorm layer = SpectralNorm.linear(6, 6).powerIterations(2).rng(new Rng(5)).build();
        layer.to(DType.FLOAT64);
        try (var g = Grad.disabled()) {
            layer.weight().copyFrom(Tensors.randn(new Rng(6), DType.FLOAT64, 6, 6));
        }
        Tensor u0 = layer.buffer("u").copy();
        layer.bind(new int[] {6}, false);
        assertThat(layer.buffer("u").sub(u0).abs().max().item()).isEqualTo(0.0);
        layer.bind(new int[] {6}, true);
        assertThat(layer.buffer("u").sub(u0).abs().max().item()).isGreaterThan(0.0);
    }

    @Test
    void aConvolutionWithoutSizeCreatesItsVectorsAtTheFirstCallAndAgainWhenTheSizeChanges() {
        SpectralNorm layer = SpectralNorm.conv2d(2, 2, 3).rng(new Rng(1)).build();
        assertThat(layer.sampleShape()).isNull();
        assertThatThrownBy(layer::operatorNorm).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("input size");
        layer.forward(Tensors.randn(new Rng(2), 1, 2, 5, 5));
        assertThat(layer.sampleShape()).containsExactly(2, 5, 5);
        layer.forward(Tensors.randn(new Rng(2), 3, 2, 4, 6));
        assertThat(layer.sampleShape()).containsExactly(2, 4, 6);
    }

    @Test
    void wrongInputsAreRejectedWithTheLayerNamed() {
        SpectralNorm layer = SpectralNorm.conv2d(2, 4, 3).build();
        assertThatThrownBy(() -> layer.forward(Tensors.zeros(1, 3, 4, 4))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Conv2d(2→4, k=3)").hasMessageContaining("2 channels");
        assertThatThrownBy(() -> layer.forward(Tensors.zeros(2, 4, 4))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("rank 4");
        assertThatThrownBy(() -> SpectralNorm.conv1d(2, 2, 4)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("odd");
        assertThatThrownBy(() -> SpectralNorm.linear(2, 2).coefficient(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("coefficient");
    }
}
