package dev.jinn.flow.reshape;

import dev.jinn.flow.Shape;
import dev.jinn.flow.UnconditionalSpec;
import java.util.List;

/**
 * The inverse of {@link IRevNetDownsampling}, FrEIA's {@code IRevNetUpsampling}: {@code (4C, H, W) → (C, 2H, 2W)}.
 *
 * <p>Formula: pixel {@code (i, j)} of input channel {@code 4c + 2dh + dw} (or {@code c + C·(2dh + dw)} with
 * {@code legacyBackend}) goes to pixel {@code (2i + dh, 2j + dw)} of output channel c. Log-det: 0.
 *
 * <p>A channel count that is not a multiple of 4 is an error. State dict: {@code downsample_kernel}
 * {@code (4C, 1, 2, 2)} (C = output channels) in the default order, as FrEIA.
 */
public final class IRevNetUpsampling extends IRevNetRegrouping {
    /**
     * An upsampling module in FrEIA's default channel order.
     *
     * @param dimsIn one input shape {@code (4C, H, W)}
     */
    public IRevNetUpsampling(List<Shape> dimsIn) {
        this(dimsIn, false);
    }

    /**
     * An upsampling module.
     *
     * @param dimsIn        one input shape {@code (4C, H, W)}
     * @param legacyBackend true for the channel order {@code c + C·(2dh + dw)}
     */
    public IRevNetUpsampling(List<Shape> dimsIn, boolean legacyBackend) {
        super(dimsIn, true, legacyBackend);
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
        return in -> new IRevNetUpsampling(in, legacyBackend);
    }
}
