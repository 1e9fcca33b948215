package dev.jinn.flow.residual;

import dev.jinn.tensor.Tensor;
import java.util.Arrays;

/**
 * iResNetLab's resize layers: pixel shuffle (channels to space) and pixel unshuffle (space to channels), in 1-D
 * and 2-D. Permutations of the values, so the log-det is 0 and {@code logP} is passed through.
 *
 * <ul>
 *   <li>2-D unshuffle {@code (C, H·r, W·r) → (C·r², H, W)} with {@code out[c·r² + i·r + j][h][w] =
 *       in[c][h·r + i][w·r + j]} (PyTorch's {@code pixel_unshuffle}); shuffle is its inverse.</li>
 *   <li>1-D unshuffle {@code (C, L·r) → (C·r, L)} with {@code out[c·r + i][l] = in[c][l·r + i]}; shuffle is its
 *       inverse.</li>
 * </ul>
 */
public final class PixelShuffle extends IResNetModule {
    private final int spatialRank;
    private final int factor;
    private final boolean toSpace;

    /**
     * A resize layer.
     *
     * @param spatialRank 1 or 2
     * @param factor      the factor r, at least 1
     * @param toSpace     true for pixel shuffle (fewer channels, larger size), false for unshuffle
     */
    public PixelShuffle(int spatialRank, int factor, boolean toSpace) {
        if ((spatialRank != 1 && spatialRank != 2) || factor < 1) {
            throw new IllegalArgumentException("IResNet.pixel(un)shuffle: need 1 or 2 spatial dims and a factor >= 1, "
                    + "got " + spatialRank + " and " + factor);
        }
        this.spatialRank = spatialRank;
        this.factor = factor;
        this.toSpace = toSpace;
    }

    @Override
    public String describe() {
        return (toSpace ? "PixelShuffle" : "PixelUnshuffle") + spatialRank + "d(" + factor + ")";
    }

    @Override
    public IResNetResult forward(Tensor x, Tensor logP0, Tensor logDet0) {
        Tensor y = apply(x, toSpace, "input");
        return new IResNetResult(y, accumulated(logP0, x, spatialRank + 1, "logP0"),
                accumulated(logDet0, x, spatialRank + 1, "logDet0"));
    }

    @Override
    public Tensor inverse(Tensor y) {
        return apply(y, !toSpace, "output");
    }

    private Tensor apply(Tensor x, boolean shuffle, String what) {
        int[] s = x.shape();
        if (s.length != spatialRank + 2) {
            throw new IllegalArgumentException(describe() + ": expected an " + what + " of rank " + (spatialRank + 2)
                    + " (batch, channels, " + (spatialRank == 1 ? "length" : "height, width") + "), got "
                    + Arrays.toString(s));
        }
        int block = spatialRank == 1 ? factor : factor * factor;
        if (shuffle && s[1] % block != 0) {
            throw new IllegalArgumentException(describe() + ": the " + what + "'s channel count " + s[1]
                    + " is not divisible by " + block + ", got shape " + Arrays.toString(s));
        }
        for (int d = 2; !shuffle && d < s.length; d++) {
            if (s[d] % factor != 0) {
                throw new IllegalArgumentException(describe() + ": the " + what + "'s spatial sizes must be divisible "
                        + "by " + factor + ", got shape " + Arrays.toString(s));
            }
        }
        if (spatialRank == 1) {
            return shuffle ? Tensor.pixelShuffle1d(x, factor) : Tensor.pixelUnshuffle1d(x, factor);
        }
        return shuffle ? Tensor.pixelShuffle2d(x, factor) : Tensor.pixelUnshuffle2d(x, factor);
    }
}
