package dev.jinn.flow.coupling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.jinn.autograd.Grad;
import dev.jinn.flow.FlowResult;
import dev.jinn.flow.Shape;
import dev.jinn.flow.Subnets;
import dev.jinn.nn.Layer;
import dev.jinn.tensor.DType;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link AllInOneBlock} against FrEIA's formulas written out here: the 0.1-scaled subnet output, the
 * {@code α·tanh(a/α)} clamp, the ceiling split, the global affine variants and their init values, the pixel
 * count in the log-det, the permutation after scale and offset, soft and Householder permutations, the
 * reverse permutation, GIN, FrEIA's state-dict layout, and the errors.
 */
class AllInOneBlockTest {
    private static AllInOneBlock build64(AllInOneBlock.Builder b, Shape in, List<Shape> c) {
        AllInOneBlock m = b.build(List.of(in), c);
        m.to(DType.FLOAT64);
        return m;
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

    private static void setParameter(AllInOneBlock block, String name, Tensor value) {
        try (var g = Grad.disabled()) {
            block.stateDict().get(name).copyFrom(value);
        }
    }

    @Test
    void forwardFollowsFreiasFormulaOnImagesWithConditions() {
        Rng rng = new Rng(11);
        double alpha = 1.5;
        AllInOneBlock block = build64(AllInOneBlock.builder().subnet(Subnets.conv(4, 3)).affineClamping(alpha)
                .globalAffineInit(0.8).rng(new Rng(3)), Shape.of(3, 2, 3), List.of(Shape.of(1, 2, 3)));
        double[] g = {-0.3, 0.9, 2.4};   // pre-activations; 2.4 is not the init value
        setParameter(block, "global_scale", Tensors.of(g, 1, 3, 1, 1));
        Tensor offset = Tensors.randn(rng, DType.FLOAT64, 1, 3, 1, 1);
        setParameter(block, "global_offset", offset);
        Tensor x = Tensors.randn(rng, DType.FLOAT64, 2, 3, 2, 3);
        Tensor c = Tensors.randn(rng, DType.FLOAT64, 2, 1, 2, 3);

        // The passive half is the larger one: len1 = 3 − 3/2 = 2, len2 = 1.
        Tensor x1 = x.narrow(1, 0, 2);
        Tensor a = ((Layer) block.child("subnet")).forward(Tensor.cat(List.of(x1, c), 1)).mul(0.1);
        double[] raw = a.narrow(1, 0, 1).contiguous().toDoubleArray();
        double[] s = new double[raw.length];
        for (int i = 0; i < raw.length; i++) {
            s[i] = alpha * Math.tanh(raw[i] / alpha);
        }
        Tensor sT = Tensors.of(s, 2, 1, 2, 3);
        Tensor u = Tensor.cat(List.of(x1, x.narrow(1, 2, 1).mul(sT.exp()).add(a.narrow(1, 1, 1))), 1);
        double[] scale = new double[3];
        double logScaleSum = 0;
        for (int ch = 0; ch < 3; ch++) {
            scale[ch] = 0.1 * Math.log1p(Math.exp(0.5 * g[ch])) / 0.5;   // 0.1 · softplus_β=0.5
            logScaleSum += Math.log(scale[ch]);
        }
        Tensor v = u.mul(Tensors.of(scale, 1, 3, 1, 1)).add(offset);
        long[] p = block.stateDict().get("w_perm").toLongArray();
        Tensor y = Tensor.cat(List.of(v.narrow(1, (int) p[0], 1), v.narrow(1, (int) p[1], 1),
                v.narrow(1, (int) p[2], 1)), 1);

        FlowResult r = block.forward(x, List.of(c));
        assertThat(maxAbsDiff(r.output(), y)).isLessThan(1e-13);
        double[] ld = r.logDet().toDoubleArray();
        for (int b = 0; b < 2; b++) {
            double sumS = 0;
            for (int i = 0; i < 6; i++) {
                sumS += s[b * 6 + i];
            }
            // 6 pixels per channel
            assertThat(ld[b]).isCloseTo(sumS + 6 * logScaleSum, within(1e-12));
        }
        FlowResult back = block.inverse(r.output(), List.of(c));
        assertThat(maxAbsDiff(back.output(), x)).isLessThan(1e-12);
        assertThat(maxAbsDiff(back.logDet(), r.logDet().neg())).isLessThan(1e-12);
    }

    @Test
    void hardPermutationIsAnInt64IndexAndItsArgsort() {
        AllInOneBlock block = AllInOneBlock.builder().subnet(Subnets.mlp(4)).rng(new Rng(5))
                .build(List.of(Shape.of(7)), List.of());
        block.to(DType.FLOAT64);
        Tensor perm = block.stateDict().get("w_perm");
        Tensor inv = block.stateDict().get("w_perm_inv");
        assertThat(perm.dtype()).isEqualTo(DType.INT64);
        assertThat(inv.dtype()).isEqualTo(DType.INT64);
        assertThat(perm.shape()).isEqualTo(new int[] {7});
        long[] p = perm.toLongArray();
        long[] q = inv.toLongArray();
        assertThat(p).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5, 6);
        for (int i = 0; i < 7; i++) {
            assertThat(q[(int) p[i]]).isEqualTo(i);
        }
        assertThat(p).as("a random permutation, not the identity").isNotEqualTo(new long[] {0, 1, 2, 3, 4, 5, 6});
    }

    @Test
    void stateDictHasFreiasKeysShapesAndDtypes() {
        Map<String, Tensor> hard = AllInOneBlock.builder().subnet(Subnets.conv1x1(4))
                .build(List.of(Shape.of(3, 8, 8)), List.of()).stateDict();
        assertThat(hard.keySet()).containsExactlyInAnyOrder("global_scale", "global_offset", "w_perm", "w_perm_inv",
                "subnet.0.weight", "subnet.0.bias", "subnet.2.weight", "subnet.2.bias");
        assertThat(hard.get("global_scale").shape()).isEqualTo(new int[] {1, 3, 1, 1});
        assertThat(hard.get("global_scale").dtype()).isEqualTo(DType.FLOAT32);
        assertThat(hard.get("global_offset").shape()).isEqualTo(new int[] {1, 3, 1, 1});
        assertThat(hard.get("w_perm").shape()).isEqualTo(new int[] {3});
        // Subnet: (len1 = 2) → (2·len2 = 2) channels.
        assertThat(hard.get("subnet.0.weight").shape()).isEqualTo(new int[] {4, 2, 1, 1});
        assertThat(hard.get("subnet.2.weight").shape()).isEqualTo(new int[] {2, 4, 1, 1});

        AllInOneBlock softBlock = AllInOneBlock.builder().subnet(Subnets.conv1x1(4)).permuteSoft(true)
                .build(List.of(Shape.of(3, 8, 8)), List.of());
        Map<String, Tensor> soft = softBlock.stateDict();
        assertThat(soft.keySet()).contains("w_perm", "w_perm_inv").doesNotContain("w_0", "vk_householder");
        assertThat(soft.get("w_perm").shape()).isEqualTo(new int[] {3, 3, 1, 1});
        assertThat(soft.get("w_perm_inv").shape()).isEqualTo(new int[] {3, 3, 1, 1});
        softBlock.to(DType.FLOAT32);
        assertThat(softBlock.stateDict().get("w_perm").dtype()).isEqualTo(DType.FLOAT32);

        Map<String, Tensor> householder = AllInOneBlock.builder().subnet(Subnets.mlp(4)).permuteSoft(true)
                .learnedHouseholderPermutation(3).build(List.of(Shape.of(5)), List.of()).stateDict();
        assertThat(householder.keySet()).containsExactlyInAnyOrder("global_scale", "global_offset", "vk_householder",
                "w_0", "subnet.0.weight", "subnet.0.bias", "subnet.2.weight", "subnet.2.bias");
        assertThat(householder.get("vk_householder").shape()).isEqualTo(new int[] {3, 5});
        assertThat(householder.get("w_0").shape()).isEqualTo(new int[] {5, 5});
        assertThat(householder.get("global_scale").shape()).isEqualTo(new int[] {1, 5});
    }

    @Test
    void aStateDictShapedLikeFreiasLoadsAndIsUsed() {
        // FrEIA stores the rotation in float32 (C, C, 1, 1) and W^T as the inverse; a hard permutation as int64.
        AllInOneBlock block = build64(AllInOneBlock.builder().subnet(Subnets.conv1x1(3)).permuteSoft(true),
                Shape.of(2, 2, 2), List.of());
        Map<String, Tensor> state = new HashMap<>(block.stateDict());
        double t = 0.3;
        float[] w = {(float) Math.cos(t), (float) -Math.sin(t), (float) Math.sin(t), (float) Math.cos(t)};
        float[] wt = {w[0], w[2], w[1], w[3]};
        state.put("w_perm", Tensors.of(w, 2, 2, 1, 1));
        state.put("w_perm_inv", Tensors.of(wt, 2, 2, 1, 1));
        block.loadStateDict(state, true);
        assertThat(maxAbsDiff(block.permutationMatrix(), Tensors.of(w, 2, 2).to(DType.FLOAT64))).isZero();
        Tensor x = Tensors.randn(new Rng(1), DType.FLOAT64, 2, 2, 2, 2);
        FlowResult r = block.forward(x);
        assertThat(maxAbsDiff(block.inverse(r.output()).output(), x)).isLessThan(1e-6);
    }

    @ParameterizedTest(name = "{0} init {1}")
    @CsvSource({"SOFTPLUS, 1.0", "SOFTPLUS, 0.05", "SOFTPLUS, 2.5", "SOFTPLUS, 3.9", "SIGMOID, 1.0", "SIGMOID, 0.3",
            "SIGMOID, 9.5", "EXP, 1.0", "EXP, 0.2", "EXP, 7.0"})
    void globalScaleStartsAtTheInitValue(GlobalAffineType type, double init) {
        double g = type.preActivation(init);
        assertThat(type.activate(Tensors.scalar(g, DType.FLOAT64)).item()).isCloseTo(init, within(1e-12 * init));
        AllInOneBlock block = AllInOneBlock.builder().subnet(Subnets.mlp(3)).globalAffineType(type)
                .globalAffineInit(init).build(List.of(Shape.of(3)), List.of());
        // global_scale is a float32 parameter, as in FrEIA: the init holds to float32 precision.
        for (double v : block.globalScale().toDoubleArray()) {
            assertThat(v).isCloseTo(init, within(1e-6 * Math.max(1, init)));
        }
        // The log-det of the untrained block carries n_pixels · C · ln(init) from the global scale.
        AllInOneBlock image = AllInOneBlock.builder().subnet(Subnets.conv1x1(3).zeroInitLast())
                .globalAffineType(type).globalAffineInit(init).build(List.of(Shape.of(2, 3, 4)), List.of());
        image.to(DType.FLOAT64);
        double ld = image.forward(Tensors.randn(new Rng(2), DType.FLOAT64, 1, 2, 3, 4)).logDet().item();
        assertThat(ld).isCloseTo(12 * 2 * Math.log(init), within(1e-5 * Math.max(1, Math.abs(ld))));
    }

    @Test
    void softplusScaleIsLinearPastPytorchsThreshold() {
        // β = 0.5, threshold 20: softplus(a) = a once a/2 > 20.
        double[] a = {50.0, 41.0, 10.0, -10.0};
        double[] got = GlobalAffineType.SOFTPLUS.activate(Tensors.of(a, 4)).toDoubleArray();
        assertThat(got[0]).isEqualTo(0.1 * 50.0, within(1e-15));
        assertThat(got[1]).isEqualTo(0.1 * 41.0, within(1e-15));
        assertThat(got[2]).isCloseTo(0.2 * Math.log1p(Math.exp(5.0)), within(1e-15));
        assertThat(got[3]).isCloseTo(0.2 * Math.log1p(Math.exp(-5.0)), within(1e-15));
        double[] sig = GlobalAffineType.SIGMOID.activate(Tensors.of(new double[] {2.0}, 1)).toDoubleArray();
        assertThat(sig[0]).isCloseTo(5.0, within(1e-15));
    }

    @Test
    void impossibleInitValuesAreRejected() {
        for (var bad : List.of(List.of(GlobalAffineType.SIGMOID, 10.0), List.of(GlobalAffineType.SIGMOID, 0.0),
                List.of(GlobalAffineType.SOFTPLUS, 0.0), List.of(GlobalAffineType.SOFTPLUS, -1.0),
                List.of(GlobalAffineType.EXP, -0.5))) {
            GlobalAffineType type = (GlobalAffineType) bad.get(0);
            double init = (Double) bad.get(1);
            assertThatThrownBy(() -> AllInOneBlock.builder().subnet(Subnets.mlp(3)).globalAffineType(type)
                    .globalAffineInit(init).build(List.of(Shape.of(3)), List.of()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("global_affine_init")
                    .hasMessageContaining(type.name()).hasMessageContaining(String.valueOf(init));
        }
        assertThatThrownBy(() -> AllInOneBlock.builder().affineClamping(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("affine_clamping");
        assertThatThrownBy(() -> AllInOneBlock.builder().learnedHouseholderPermutation(-1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest(name = "C={0}")
    @CsvSource({"1", "2", "3", "5", "8", "16"})
    void softPermutationIsARotation(int channels) {
        for (long seed = 0; seed < 4; seed++) {
            AllInOneBlock block = AllInOneBlock.builder().subnet(Subnets.mlp(3)).permuteSoft(true).rng(new Rng(seed))
                    .build(List.of(Shape.of(channels)), List.of());
            Tensor w = block.permutationMatrix();
            assertThat(maxAbsDiff(w.matmul(w.t()), Tensors.eye(DType.FLOAT64, channels))).isLessThan(1e-13);
            assertThat(w.det().item()).isCloseTo(1.0, within(1e-12));
            assertThat(maxAbsDiff(block.stateDict().get("w_perm_inv").reshape(channels, channels), w.t())).isZero();
        }
    }

    @Test
    void softPermutationsAreSpreadOverTheRotations() {
        // Haar on SO(3): every entry has mean 0 and variance 1/3. A fixed or biased draw (e.g. no sign fix,
        // which favours a positive diagonal) fails this.
        int n = 600;
        double sum = 0;
        double sumSq = 0;
        Rng rng = new Rng(99);
        for (int k = 0; k < n; k++) {
            double w00 = ChannelMixing.haarRotation(rng, 3).toDoubleArray()[0];
            sum += w00;
            sumSq += w00 * w00;
        }
        assertThat(sum / n).isCloseTo(0.0, within(0.1));
        assertThat(sumSq / n).isCloseTo(1.0 / 3, within(0.06));
    }

    @Test
    void softPermutationActsOnTheChannelsOfEveryPixel() {
        AllInOneBlock block = build64(AllInOneBlock.builder().subnet(Subnets.conv1x1(3).zeroInitLast())
                .permuteSoft(true).globalAffineType(GlobalAffineType.EXP), Shape.of(3, 2, 2), List.of());
        Tensor x = Tensors.randn(new Rng(4), DType.FLOAT64, 2, 3, 2, 2);
        // With a zero last layer the coupling is the identity and the global scale 1: y = W x at every pixel.
        Tensor w = block.permutationMatrix();
        Tensor expected = w.matmul(x.reshape(2, 3, 4)).reshape(2, 3, 2, 2);
        assertThat(maxAbsDiff(block.forward(x).output(), expected)).isLessThan(1e-14);
    }

    @Test
    void householderPermutationIsTheProductOfReflections() {
        AllInOneBlock block = build64(AllInOneBlock.builder().subnet(Subnets.mlp(3)).permuteSoft(true)
                .learnedHouseholderPermutation(2).rng(new Rng(8)), Shape.of(4), List.of());
        Tensor w0 = block.stateDict().get("w_0");
        double[] v = block.stateDict().get("vk_householder").toDoubleArray();
        // w = w0 · H1 · H2, H = I − 2 v vᵀ / (vᵀ v), written out with plain arrays.
        double[][] w = new double[4][4];
        double[] w0a = w0.toDoubleArray();
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 4; j++) {
                w[i][j] = w0a[i * 4 + j];
            }
        }
        for (int k = 0; k < 2; k++) {
            double vv = 0;
            for (int i = 0; i < 4; i++) {
                vv += v[k * 4 + i] * v[k * 4 + i];
            }
            double[][] next = new double[4][4];
            for (int i = 0; i < 4; i++) {
                for (int j = 0; j < 4; j++) {
                    double acc = 0;
                    for (int l = 0; l < 4; l++) {
                        double h = (l == j ? 1 : 0) - 2 * v[k * 4 + l] * v[k * 4 + j] / vv;
                        acc += w[i][l] * h;
                    }
                    next[i][j] = acc;
                }
            }
            w = next;
        }
        double[] got = block.permutationMatrix().toDoubleArray();
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 4; j++) {
                assertThat(got[i * 4 + j]).isCloseTo(w[i][j], within(1e-14));
            }
        }
        Tensor wt = block.permutationMatrix();
        assertThat(maxAbsDiff(wt.matmul(wt.t()), Tensors.eye(DType.FLOAT64, 4))).isLessThan(1e-13);
        // Two reflections keep the determinant of w0 (+1).
        assertThat(wt.det().item()).isCloseTo(1.0, within(1e-12));
    }

    @Test
    void householderWithoutSoftPermutationStartsFromAPermutationMatrix() {
        // FrEIA crashes here (its w_0 is never drawn); jinn uses the hard permutation's matrix.
        AllInOneBlock block = AllInOneBlock.builder().subnet(Subnets.mlp(3)).learnedHouseholderPermutation(1)
                .rng(new Rng(2)).build(List.of(Shape.of(5)), List.of());
        double[] w0 = block.stateDict().get("w_0").toDoubleArray();
        for (int i = 0; i < 5; i++) {
            double rowSum = 0;
            for (int j = 0; j < 5; j++) {
                assertThat(w0[i * 5 + j]).isIn(0.0, 1.0);
                rowSum += w0[i * 5 + j];
            }
            assertThat(rowSum).isEqualTo(1.0);
        }
    }

    @Test
    void reversePermutationUnpermutesTheInputFirst() {
        Rng rng = new Rng(6);
        for (boolean soft : new boolean[] {false, true}) {
            AllInOneBlock withPre = build64(AllInOneBlock.builder().subnet(Subnets.conv1x1(4)).permuteSoft(soft)
                    .reversePermutation(true), Shape.of(4, 2, 2), List.of());
            AllInOneBlock plain = build64(AllInOneBlock.builder().subnet(Subnets.conv1x1(4)).permuteSoft(soft),
                    Shape.of(4, 2, 2), List.of());
            plain.loadStateDict(withPre.stateDict(), true);
            Tensor x = Tensors.randn(rng, DType.FLOAT64, 3, 4, 2, 2);
            // P⁻¹ x: by index (hard) or by Wᵀ at every pixel (soft).
            Tensor unpermuted = soft
                    ? withPre.permutationMatrix().t().matmul(x.reshape(3, 4, 4)).reshape(3, 4, 2, 2)
                    : x.indexSelect(1, withPre.stateDict().get("w_perm_inv"));
            FlowResult a = withPre.forward(x);
            FlowResult b = plain.forward(unpermuted);
            assertThat(maxAbsDiff(a.output(), b.output())).as("soft=" + soft).isLessThan(1e-13);
            assertThat(maxAbsDiff(a.logDet(), b.logDet())).isLessThan(1e-13);
            FlowResult back = withPre.inverse(a.output());
            assertThat(maxAbsDiff(back.output(), x)).isLessThan(1e-12);
        }
    }

    @Test
    void ginModeIsVolumePreservingButNotPerPixel() {
        Rng rng = new Rng(12);
        AllInOneBlock block = build64(AllInOneBlock.builder().subnet(Subnets.conv1x1(6)).ginBlock(true)
                .globalAffineInit(2.0), Shape.of(4, 2, 2), List.of());
        // The subnet's output is scaled by 0.1; enlarge the last layer so that s is far from 0.
        try (var g = Grad.disabled()) {
            for (String p : List.of("subnet.2.weight", "subnet.2.bias")) {
                Tensor t = block.stateDict().get(p);
                t.copyFrom(t.mul(30.0));
            }
        }
        setParameter(block, "global_offset", Tensors.randn(rng, DType.FLOAT64, 1, 4, 1, 1));
        Tensor x = Tensors.randn(rng, DType.FLOAT64, 2, 4, 2, 2);
        FlowResult r = block.forward(x);
        for (double v : r.logDet().toDoubleArray()) {
            assertThat(v).isCloseTo(0.0, within(1e-13));
        }
        double[][][] jac = Jacobians.of(block, x, List.of());
        boolean somePixelScaled = false;
        for (double[][] j : jac) {
            assertThat(Jacobians.logAbsDet(j, Jacobians.all(16))).isCloseTo(0.0, within(1e-12));
            // FrEIA centres over channels and pixels together, so single pixels may change volume.
            for (int pixel = 0; pixel < 4; pixel++) {
                somePixelScaled |= Math.abs(pixelLogDet(j, pixel)) > 1e-3;
            }
        }
        assertThat(somePixelScaled).isTrue();
        // Global scale 1 even with init 2, offset applied: the inverse undoes it.
        assertThat(block.globalScale().toDoubleArray()).containsOnly(1.0);
        assertThat(maxAbsDiff(block.inverse(r.output()).output(), x)).isLessThan(1e-12);
    }

    /** log|det| of the channel block of one pixel (1×1 convolutions and per-pixel permutation keep pixels apart). */
    private static double pixelLogDet(double[][] j, int pixel) {
        int[] idx = new int[4];
        for (int ch = 0; ch < 4; ch++) {
            idx[ch] = ch * 4 + pixel;
        }
        return Jacobians.logAbsDet(j, idx);
    }

    @Test
    void conditionsAndInputsOfTheWrongShapeFailClearly() {
        var spec = AllInOneBlock.builder().subnet(Subnets.conv1x1(4));
        assertThatThrownBy(() -> spec.build(List.of(Shape.of(3, 8, 8)), List.of(Shape.of(1, 8, 8), Shape.of(1, 4, 8))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("AllInOneBlock")
                .hasMessageContaining("condition 1").hasMessageContaining("(1, 4, 8)");
        AllInOneBlock block = spec.build(List.of(Shape.of(3, 8, 8)), List.of());
        assertThatThrownBy(() -> block.forward(List.of(Tensors.zeros(2, 3, 8, 7)), List.of(), false, true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("AllInOneBlock")
                .hasMessageContaining("[B, 3, 8, 8]").hasMessageContaining("[2, 3, 8, 7]");
        assertThatThrownBy(() -> AllInOneBlock.builder().build(List.of(Shape.of(3)), List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("subnet");
    }
}
