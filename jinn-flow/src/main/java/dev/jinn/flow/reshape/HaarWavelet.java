package dev.jinn.flow.reshape;

import dev.jinn.flow.Shape;
import dev.jinn.tensor.PixelShuffles;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.util.List;

/**
 * The Haar wavelet patch map shared by {@link HaarDownsampling} and {@link HaarUpsampling}. For each 2×2 patch
 * {@code [[a, b], [c, d]]} of channel k, outputs {@code 4k … 4k+3} are {@code f·(a+b+c+d)} (average),
 * {@code f·(a−b+c−d)} (left − right), {@code f·(a+b−c−d)} (top − bottom) and {@code f·(a−b−c+d)} (diagonal),
 * {@code f = rebalance/2}. The 4×4 sign matrix S is symmetric with {@code S·S = 4I}, so the inverse applies S
 * again with {@code f' = 1/(2·rebalance)}. Per patch {@code |det(f·S)| = 16 f⁴ = rebalance⁴}, hence a log-det of
 * {@code ln|rebalance|} per element.
 */
abstract class HaarWavelet extends PatchRegrouping {
    private static final double[][] SIGNS = {{1, 1, 1, 1}, {1, -1, 1, -1}, {1, 1, -1, -1}, {1, -1, -1, 1}};

    private final boolean orderByWavelet;
    private final double rebalance;

    /**
     * Builds the map and FrEIA's kernel buffer {@code haar_weights}.
     *
     * @param dimsIn         one input shape
     * @param upsampling     whether the forward direction is "up"
     * @param orderByWavelet group the 4C channels by wavelet (all averages first) instead of by source channel
     * @param rebalance      the factor on the wavelet coefficients, finite and non-zero
     */
    HaarWavelet(List<Shape> dimsIn, boolean upsampling, boolean orderByWavelet, double rebalance) {
        super(dimsIn, upsampling);
        if (rebalance == 0 || !Double.isFinite(rebalance)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": rebalance must be finite and != 0, got "
                    + rebalance);
        }
        this.orderByWavelet = orderByWavelet;
        this.rebalance = rebalance;
        // FrEIA convolves with this kernel and keeps it as a non-trainable parameter, so its state dicts
        // contain it; the same map is computed here as a 4x4 product per patch.
        registerBuffer("haar_weights", perChannelKernel(SIGNS, image().channels()), true);
    }

    /**
     * Whether the output channels are grouped by wavelet: channel {@code i·C + k} holds wavelet i of input
     * channel k (otherwise channel {@code 4k + i}).
     *
     * @return FrEIA's {@code order_by_wavelet}
     */
    public final boolean orderByWavelet() {
        return orderByWavelet;
    }

    /**
     * The factor on the wavelet coefficients (1 for the orthonormal transform).
     *
     * @return FrEIA's {@code rebalance}
     */
    public final double rebalance() {
        return rebalance;
    }

    @Override
    final Tensor down(Tensor x) {
        int channels = image().channels();
        Tensor y = mix(PixelShuffles.pixelUnshuffle2d(x, 2), channels, 0.5 * rebalance);
        return orderByWavelet ? groupByPosition(y, channels) : y;
    }

    @Override
    final Tensor up(Tensor y) {
        int channels = image().channels();
        Tensor t = orderByWavelet ? groupByChannel(y, channels) : y;
        return PixelShuffles.pixelShuffle2d(mix(t, channels, 0.5 / rebalance), 2);
    }

    @Override
    final double downLogDetPerElement() {
        return Math.log(Math.abs(rebalance));
    }

    /** Applies {@code factor·S} to the four values of each patch (channels {@code 4c … 4c+3}). */
    private static Tensor mix(Tensor t, int channels, double factor) {
        int[] s = t.shape();
        double[] m = new double[16];
        for (int o = 0; o < 4; o++) {
            for (int p = 0; p < 4; p++) {
                m[4 * o + p] = factor * SIGNS[o][p];
            }
        }
        Tensor patches = t.reshape(s[0], channels, 4, s[2] * s[3]);
        return Tensors.of(m, 4, 4).to(t.dtype()).matmul(patches).reshape(s);
    }
}
