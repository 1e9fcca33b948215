package dev.jinn.flow.reshape;

import dev.jinn.flow.Shape;
import dev.jinn.flow.UnconditionalSpec;
import java.util.List;

/**
 * Haar wavelet downsampling, FrEIA's {@code HaarDownsampling}: {@code (C, H, W) → (4C, H/2, W/2)}, each channel
 * split into its average, left−right, top−bottom and diagonal Haar coefficients.
 *
 * <p>Formula: for the 2×2 patch {@code [[a, b], [c, d]]} at {@code (2i, 2j)} of channel k, with
 * {@code f = rebalance/2}, output pixel {@code (i, j)} of channels {@code 4k, 4k+1, 4k+2, 4k+3} is
 * {@code f·(a+b+c+d)}, {@code f·(a−b+c−d)}, {@code f·(a+b−c−d)}, {@code f·(a−b−c+d)}. With
 * {@code orderByWavelet} the channels are regrouped: new channel {@code i·C + k} is old channel {@code 4k + i}
 * (all averages first, so a {@code Split} can take them). The inverse applies the same signs with
 * {@code f' = 0.5/rebalance}.
 *
 * <p>Log-det: {@code C·H·W·ln|rebalance|} (FrEIA's {@code N·(ln 16 + 4 ln f)/4}); 0 for the default
 * {@code rebalance = 1}, which makes the map orthonormal.
 *
 * <p>Differences from FrEIA: the reverse pass never modifies its input (FrEIA's scales it in place); a negative
 * {@code rebalance} gives the log-det {@code ln|rebalance|} instead of NaN. Odd H or W and {@code rebalance == 0}
 * are errors, as in FrEIA. State dict: FrEIA's {@code haar_weights} {@code (4C, 1, 2, 2)}.
 */
public final class HaarDownsampling extends HaarWavelet {
    /**
     * The orthonormal Haar transform, channels grouped by source channel.
     *
     * @param dimsIn one input shape {@code (C, H, W)}, H and W even
     */
    public HaarDownsampling(List<Shape> dimsIn) {
        this(dimsIn, false, 1.0);
    }

    /**
     * A Haar downsampling module.
     *
     * @param dimsIn         one input shape {@code (C, H, W)}, H and W even
     * @param orderByWavelet group the output channels by wavelet instead of by source channel
     * @param rebalance      the factor on the coefficients, non-zero (FrEIA suggests e.g. 0.5 for stability)
     */
    public HaarDownsampling(List<Shape> dimsIn, boolean orderByWavelet, double rebalance) {
        super(dimsIn, false, orderByWavelet, rebalance);
    }

    /**
     * The spec with FrEIA's defaults ({@code orderByWavelet = false}, {@code rebalance = 1}).
     *
     * @return a spec for {@code SequenceINN.append} or a graph node
     */
    public static UnconditionalSpec spec() {
        return spec(false, 1.0);
    }

    /**
     * The spec with chosen options.
     *
     * @param orderByWavelet group the output channels by wavelet instead of by source channel
     * @param rebalance      the factor on the coefficients, non-zero
     * @return a spec for {@code SequenceINN.append} or a graph node
     */
    public static UnconditionalSpec spec(boolean orderByWavelet, double rebalance) {
        return in -> new HaarDownsampling(in, orderByWavelet, rebalance);
    }
}
