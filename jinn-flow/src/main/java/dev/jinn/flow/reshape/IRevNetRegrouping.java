package dev.jinn.flow.reshape;

import dev.jinn.flow.Shape;
import dev.jinn.tensor.PixelShuffles;
import dev.jinn.tensor.Tensor;
import java.util.List;

/**
 * The i-RevNet patch map shared by {@link IRevNetDownsampling} and {@link IRevNetUpsampling}: the four pixels of
 * each 2×2 patch of channel c, at offsets {@code (dh, dw)}, become four channels. A pure rearrangement, log-det 0.
 */
abstract class IRevNetRegrouping extends PatchRegrouping {
    private static final double[][] IDENTITY = {{1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}};

    private final boolean legacyBackend;

    /**
     * Builds the map and, in the default order, FrEIA's kernel buffer {@code downsample_kernel}.
     *
     * @param dimsIn        one input shape
     * @param upsampling    whether the forward direction is "up"
     * @param legacyBackend FrEIA's {@code legacy_backend}: the channel order {@code c + C·(2dh + dw)} instead of
     *                      {@code 4c + 2dh + dw}
     */
    IRevNetRegrouping(List<Shape> dimsIn, boolean upsampling, boolean legacyBackend) {
        super(dimsIn, upsampling);
        this.legacyBackend = legacyBackend;
        if (!legacyBackend) {
            // FrEIA computes the default order with a strided convolution and keeps its kernel as a
            // non-trainable parameter, so its state dicts contain it; the rearrangement below is the same map.
            registerBuffer("downsample_kernel", perChannelKernel(IDENTITY, image().channels()), true);
        }
    }

    /**
     * Whether the legacy channel order is used.
     *
     * @return FrEIA's {@code legacy_backend}
     */
    public final boolean legacyBackend() {
        return legacyBackend;
    }

    @Override
    final Tensor down(Tensor x) {
        Tensor y = PixelShuffles.pixelUnshuffle2d(x, 2);
        return legacyBackend ? groupByPosition(y, image().channels()) : y;
    }

    @Override
    final Tensor up(Tensor y) {
        Tensor t = legacyBackend ? groupByChannel(y, image().channels()) : y;
        return PixelShuffles.pixelShuffle2d(t, 2);
    }

    @Override
    final double downLogDetPerElement() {
        return 0;
    }
}
