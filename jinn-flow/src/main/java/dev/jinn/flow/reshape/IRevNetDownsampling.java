package dev.jinn.flow.reshape;

import dev.jinn.flow.Shape;
import dev.jinn.flow.UnconditionalSpec;
import java.util.List;

/**
 * The invertible spatial downsampling of i-RevNet (Jacobsen et al. 2018), FrEIA's {@code IRevNetDownsampling}:
 * {@code (C, H, W) → (4C, H/2, W/2)}, each 2×2 patch of a channel becoming one pixel in four channels.
 *
 * <p>Formula: the pixel at {@code (2i + dh, 2j + dw)} of input channel c goes to pixel {@code (i, j)} of output
 * channel {@code 4c + 2dh + dw} (grouped by input channel, FrEIA's default), or of channel
 * {@code c + C·(2dh + dw)} with {@code legacyBackend} (grouped by patch position, FrEIA's
 * {@code legacy_backend=True}). Log-det: 0 (a permutation of the elements).
 *
 * <p>Odd H or W is an error. {@link IRevNetUpsampling} is the exact inverse. State dict: FrEIA's
 * {@code downsample_kernel} {@code (4C, 1, 2, 2)} in the default order (none with the legacy order), so FrEIA
 * state dicts load; jinn does the rearrangement directly rather than by convolution.
 */
public final class IRevNetDownsampling extends IRevNetRegrouping {
    /**
     * A downsampling module in FrEIA's default channel order.
     *
     * @param dimsIn one input shape {@code (C, H, W)}, H and W even
     */
    public IRevNetDownsampling(List<Shape> dimsIn) {
        this(dimsIn, false);
    }

    /**
     * A downsampling module.
     *
     * @param dimsIn        one input shape {@code (C, H, W)}, H and W even
     * @param legacyBackend true for the channel order {@code c + C·(2dh + dw)}
     */
    public IRevNetDownsampling(List<Shape> dimsIn, boolean legacyBackend) {
        super(dimsIn, false, legacyBackend);
    }

    /**
     * The spec in FrEIA's default channel order.
     *
     * @return a spec for {@code SequenceINN.append} or a graph node
     */
    public static UnconditionalSpec spec() {
        return spec(false);
    }

    /**
     * The spec with a chosen channel order.
     *
     * @param legacyBackend true for the channel order {@code c + C·(2dh + dw)}
     * @return a spec for {@code SequenceINN.append} or a graph node
     */
    public static UnconditionalSpec spec(boolean legacyBackend) {
        return in -> new IRevNetDownsampling(in, legacyBackend);
    }
}
