package dev.jinn.flow.spline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.jinn.flow.FlowResult;
import dev.jinn.tensor.DType;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import org.junit.jupiter.api.Test;

/**
 * The shared bin machinery: parameter layout and constraints, knots, the left-open right-closed bins, tails and
 * domain clamping, checked with a linear spline whose values follow from the knots by hand.
 */
class BinnedSplineTest {
    /** Two bins on the domain [−1, 1] × [−2, 2], no minimum sizes: default bins of width 1 and height 2. */
    private static final BinSettings TWO_BINS = BinSettings.builder().bins(2).minBinSizes(0, 0)
            .defaultDomain(-1, 1, -2, 2).build();

    private static double softplusInverse(double v) {
        return Math.log(Math.expm1(v));
    }

    /**
     * Raw values (layout widths, heights, bottom, left) that give widths (0.5, 1.5) and heights (1.5, 2.5),
     * shifted by the given raw bottom and left: x knots (−1, −0.5, 1) + left, y knots (−2, −0.5, 2) + bottom.
     */
    private static double[] rawTwoBins(double bottom, double left) {
        double ws = softplusInverse(1);
        double hs = softplusInverse(2);
        return new double[] {softplusInverse(0.5) - ws, softplusInverse(1.5) - ws, softplusInverse(1.5) - hs,
            softplusInverse(2.5) - hs, bottom, left};
    }

    /** One channel, one element per sample: x of shape [n, 1], the same raw values for every sample. */
    private static FlowResult applyEach(BinnedSpline spline, double[] raw, double[] x, boolean reverse) {
        int n = x.length;
        double[] all = new double[n * raw.length];
        for (int i = 0; i < n; i++) {
            System.arraycopy(raw, 0, all, i * raw.length, raw.length);
        }
        return spline.apply(Tensors.of(x, n, 1), Tensors.of(all, n, raw.length), reverse);
    }

    @Test
    void knotsLayoutBinsAndAffineTailsByHand() {
        BinnedSpline spline = new BinnedSpline(TWO_BINS, LinearInterpolation.INSTANCE);
        assertThat(spline.parameterCount()).isEqualTo(6);
        // Bin 0: (−1, −2) → (−0.5, −0.5), slope 3; bin 1: (−0.5, −0.5) → (1, 2), slope 5/3; tails: slope 4/2 = 2
        // through (−1, −2). x = −0.5 is a knot and belongs to bin 0 (right-closed); x = −1 is outside (left-open),
        // x = 1 inside.
        double[] x = {-0.5, 0.1, 1, -1, 3, -2};
        double[] y = {-0.5, 0.5, 2, -2, 6, -4};
        double[] ld = {Math.log(3), Math.log(5.0 / 3), Math.log(5.0 / 3), Math.log(2), Math.log(2), Math.log(2)};
        FlowResult fwd = applyEach(spline, rawTwoBins(0, 0), x, false);
        assertClose(fwd.output().toDoubleArray(), y, 1e-14);
        assertClose(fwd.logDet().toDoubleArray(), ld, 1e-14);
        FlowResult rev = applyEach(spline, rawTwoBins(0, 0), y, true);
        assertClose(rev.output().toDoubleArray(), x, 1e-14);
        assertClose(rev.logDet().neg().toDoubleArray(), ld, 1e-14);
    }

    @Test
    void parametersAreChannelMajor() {
        // Two channels: channel k reads raw channels k·P … k·P + P − 1. Channel 1 has bottom −0.5 and left 0.25:
        // x knots (−0.75, −0.25, 1.25), y knots (−2.5, −1, 1.5); x = 0 is in its bin 1, y = −1 + 0.25·5/3.
        BinnedSpline spline = new BinnedSpline(TWO_BINS, LinearInterpolation.INSTANCE);
        double[] raw = new double[12];
        System.arraycopy(rawTwoBins(0, 0), 0, raw, 0, 6);
        System.arraycopy(rawTwoBins(-0.5, 0.25), 0, raw, 6, 6);
        FlowResult r = spline.apply(Tensors.of(new double[] {0.1, 0.0}, 1, 2), Tensors.of(raw, 1, 12), false);
        assertClose(r.output().toDoubleArray(), new double[] {0.5, -1 + 0.25 * 5 / 3}, 1e-14);
        assertThat(r.logDet().item()).isCloseTo(2 * Math.log(5.0 / 3), within(1e-14));
    }

    @Test
    void imageLayoutKeepsPixelsApart() {
        // [B=1, L=1, 2 pixels]: raw [1, P, 2]; pixel 1 has left shifted by 0.25, so the same x maps differently.
        BinnedSpline spline = new BinnedSpline(TWO_BINS, LinearInterpolation.INSTANCE);
        double[] p0 = rawTwoBins(0, 0);
        double[] p1 = rawTwoBins(0, 0.25);
        double[] raw = new double[12];
        for (int j = 0; j < 6; j++) {
            raw[2 * j] = p0[j];
            raw[2 * j + 1] = p1[j];
        }
        FlowResult r = spline.apply(Tensors.of(new double[] {0.1, 0.0}, 1, 1, 2), Tensors.of(raw, 1, 6, 2), false);
        // Pixel 1: x knots (−0.75, −0.25, 1.25), y knots (−2, −0.5, 2): y = −0.5 + 0.25·5/3.
        assertClose(r.output().toDoubleArray(), new double[] {0.5, -0.5 + 0.25 * 5 / 3}, 1e-14);
    }

    @Test
    void domainClampingScalesTheDomain() {
        // Clamp D = 1: total width 2 becomes tanh(2), total height 4 becomes tanh(4); widths and left scale by
        // f = tanh(2)/2, heights and bottom by g = tanh(4)/4, so the clamped spline is y = g·Y(x / f).
        BinSettings clamped = BinSettings.builder().bins(2).minBinSizes(0, 0).defaultDomain(-1, 1, -2, 2)
                .domainClamping(1.0).build();
        BinnedSpline spline = new BinnedSpline(clamped, LinearInterpolation.INSTANCE);
        double f = Math.tanh(2) / 2;
        double g = Math.tanh(4) / 4;
        double[] x = {0.1 * f, -0.5 * f, 3 * f};
        FlowResult r = applyEach(spline, rawTwoBins(0, 0), x, false);
        assertClose(r.output().toDoubleArray(), new double[] {0.5 * g, -0.5 * g, 6 * g}, 1e-14);
        double[] ld = {Math.log(5.0 / 3 * g / f), Math.log(3 * g / f), Math.log(2 * g / f)};
        assertClose(r.logDet().toDoubleArray(), ld, 1e-13);
    }

    @Test
    void identityTailsUseTheTotalWidthAndSoftmax() {
        // P = 5: widths, heights, total_width. total_width 0 → T = (right − left) = 2, domain [−1, 1]²;
        // widths 2·softmax(0, ln 3) = (0.5, 1.5), heights 2·softmax(ln 1.5, ln 2.5) = (0.75, 1.25).
        BinSettings identity = BinSettings.builder().bins(2).defaultDomain(-1, 1, -2, 2).identityTails(true).build();
        BinnedSpline spline = new BinnedSpline(identity, LinearInterpolation.INSTANCE);
        assertThat(spline.parameterCount()).isEqualTo(5);
        double[] raw = {0, Math.log(3), Math.log(1.5), Math.log(2.5), 0};
        double[] x = {0.1, -0.7, 3, -1, -4};
        double[] y = {-0.25 + 0.6 * 1.25 / 1.5, -1 + 0.3 * 1.5, 3, -1, -4};
        double[] ld = {Math.log(1.25 / 1.5), Math.log(1.5), 0, 0, 0};
        FlowResult r = applyEach(spline, raw, x, false);
        assertClose(r.output().toDoubleArray(), y, 1e-14);
        assertClose(r.logDet().toDoubleArray(), ld, 1e-14);
        // total_width t gives T = 2·softplus(t + ln(e − 1)); T = 4 doubles every bin: x knots (−2, −1, 2),
        // y knots (−2, −0.5, 2).
        double[] wide = raw.clone();
        wide[4] = softplusInverse(2) - softplusInverse(1);
        assertClose(applyEach(spline, wide, new double[] {1.9, 2.5}, false).output().toDoubleArray(),
                new double[] {-0.5 + 2.9 * 2.5 / 3, 2.5}, 1e-13);
    }

    @Test
    void zeroParametersGiveTheIdentityForDefaultBins() {
        double[] x = new double[41];
        for (int i = 0; i < x.length; i++) {
            x[i] = -5 + 0.25 * i + 0.01;
        }
        for (KnotInterpolation interp : new KnotInterpolation[] {RationalQuadraticInterpolation.INSTANCE,
            LinearInterpolation.INSTANCE}) {
            for (boolean identityTails : new boolean[] {false, true}) {
                BinSettings s = BinSettings.builder().identityTails(identityTails).build();
                BinnedSpline spline = new BinnedSpline(s, interp);
                double[] raw = new double[spline.parameterCount()];
                for (boolean reverse : new boolean[] {false, true}) {
                    FlowResult r = applyEach(spline, raw, x, reverse);
                    assertClose(r.output().toDoubleArray(), x, 1e-12);
                    assertClose(r.logDet().toDoubleArray(), new double[x.length], 1e-12);
                }
            }
        }
    }

    @Test
    void wrongParameterShapeIsAClearError() {
        BinnedSpline spline = new BinnedSpline(TWO_BINS, RationalQuadraticInterpolation.INSTANCE);
        assertThatThrownBy(() -> spline.apply(Tensors.zeros(DType.FLOAT64, 2, 3), Tensors.zeros(DType.FLOAT64, 2, 20),
                false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[2, 21]")
                .hasMessageContaining("[2, 20]");
    }

    @Test
    void invalidSettingsAreRejected() {
        assertThatThrownBy(() -> BinSettings.builder().bins(0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one bin");
        assertThatThrownBy(() -> BinSettings.builder().defaultDomain(1, -1, -3, 3).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("x domain must be increasing");
        assertThatThrownBy(() -> BinSettings.builder().defaultDomain(-3, 3, 3, 3).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("y domain must be increasing");
        assertThatThrownBy(() -> BinSettings.builder().bins(10).minBinSizes(0.7, 0.1).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("do not fit in the x domain");
        assertThatThrownBy(() -> BinSettings.builder().bins(10).minBinSizes(0.1, 0.7).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("do not fit in the y domain");
        assertThatThrownBy(() -> BinSettings.builder().minBinSizes(-0.1, 0.1).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot be negative");
        assertThatThrownBy(() -> BinSettings.builder().domainClamping(0.0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("domain clamping");
        // The setters may come in any order: only the final combination is validated.
        assertThat(BinSettings.builder().minBinSizes(1, 1).bins(4).build().bins()).isEqualTo(4);
    }

    @Test
    void settingsRoundTripThroughFreiaBuffers() {
        BinSettings s = BinSettings.builder().bins(4).minBinSizes(0.25, 0.5).defaultDomain(-2, 2, -4, 4)
                .identityTails(true).build();
        var buffers = s.buffers();
        assertThat(buffers.keySet()).containsExactly("bins", "min_bin_sizes", "default_domain", "identity_tails",
                "default_width");
        assertThat(buffers.get("default_width").item()).isEqualTo(4.0);
        assertThat(BinSettings.fromBuffers(buffers::get, 3.0, 4))
                .isEqualTo(new BinSettings(4, 0.25, 0.5, -2, 2, -4, 4, true, 3.0));
        assertThatThrownBy(() -> BinSettings.fromBuffers(buffers::get, null, 5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("built for 5 bins");
    }

    private static void assertClose(double[] got, double[] want, double tol) {
        assertThat(got).hasSameSizeAs(want);
        for (int i = 0; i < got.length; i++) {
            assertThat(got[i]).as("element " + i).isCloseTo(want[i], within(tol));
        }
    }
}
