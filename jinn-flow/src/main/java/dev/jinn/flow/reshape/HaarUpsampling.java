package dev.jinn.flow.reshape;

import dev.jinn.flow.Shape;
import dev.jinn.flow.UnconditionalSpec;
import java.util.List;

/**
 * The inverse of {@link HaarDownsampling}, FrEIA's {@code HaarUpsampling}: {@code (4C, H, W) → (C, 2H, 2W)}.
 *
 * <p>Formula: the four coefficients {@code (s₀, s₁, s₂, s₃)} of channel k at pixel {@code (i, j)} (input channels
 * {@code 4k … 4k+3}, or {@code k, C+k, 2C+k, 3C+k} with {@code orderByWavelet}) give the patch at
 * {@code (2i, 2j)}: {@code a = f'(s₀+s₁+s₂+s₃)}, {@code b = f'(s₀−s₁+s₂−s₃)}, {@code c = f'(s₀+s₁−s₂−s₃)},
 * {@code d = f'(s₀−s₁−s₂+s₃)}, {@code f' = 0.5/rebalance}.
 *
 * <p>Log-det: {@code −N·ln|rebalance|}, N the number of elements per sample. The input is never modified.
 * State dict: {@code haar_weights} {@code (4C, 1, 2, 2)} (C = output channels), as FrEIA.
 */
public final class HaarUpsampling extends HaarWavelet {
    /**
     * The inverse of the orthonormal Haar transform, channels grouped by output channel.
     *
     * @param dimsIn one input shape {@code (4C, H, W)}
     */
    public HaarUpsampling(List<Shape> dimsIn) {
        this(dimsIn, false, 1.0);
    }

    /**
     * A Haar upsampling module.
     *
     * @param dimsIn         one input shape {@code (4C, H, W)}
     * @param orderByWavelet whether the input channels are grouped by wavelet
     * @param rebalance      the factor the matching downsampling used, non-zero
     */
    public HaarUpsampling(List<Shape> dimsIn, boolean orderByWavelet, double rebalance) {
        super(dimsIn, true, orderByWavelet, rebalance);
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
     * @param orderByWavelet whether the input channels are grouped by wavelet
     * @param rebalance      the factor the matching downsampling used, non-zero
     * @return a spec for {@code SequenceINN.append} or a graph node
     */
    public static UnconditionalSpec spec(boolean orderByWavelet, double rebalance) {
        return in -> new HaarUpsampling(in, orderByWavelet, rebalance);
    }
}
