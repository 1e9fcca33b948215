package dev.jinn.tensor;

/**
 * Pixel shuffles, like {@code torch.nn.functional.pixel_shuffle/pixel_unshuffle} and their 1-D analogues:
 * rearrangements between channels and space that move every element and compute nothing. Differentiable.
 */
public final class PixelShuffles {
    private PixelShuffles() {
    }

    /**
     * Rearranges {@code (..., C·r², H, W)} into {@code (..., C, H·r, W·r)}, like
     * {@code torch.nn.functional.pixel_shuffle}: {@code out[c][h·r + i][w·r + j] = x[c·r² + i·r + j][h][w]}.
     *
     * @param x      at least 3 dims; channels divisible by {@code r²}
     * @param factor the upscale factor r, at least 1
     * @return the rearranged tensor (differentiable)
     */
    public static Tensor pixelShuffle2d(Tensor x, int factor) {
        return ConvOps.pixelShuffle2d(x, factor);
    }

    /**
     * The inverse of {@link #pixelShuffle2d}: {@code (..., C, H·r, W·r)} to {@code (..., C·r², H, W)}, like
     * {@code torch.nn.functional.pixel_unshuffle}.
     *
     * @param x      at least 3 dims; height and width divisible by {@code r}
     * @param factor the downscale factor r, at least 1
     * @return the rearranged tensor (differentiable)
     */
    public static Tensor pixelUnshuffle2d(Tensor x, int factor) {
        return ConvOps.pixelUnshuffle2d(x, factor);
    }

    /**
     * The 1-D analogue of {@link #pixelShuffle2d}: {@code (..., C·r, L)} to {@code (..., C, L·r)} with
     * {@code out[c][l·r + i] = x[c·r + i][l]}.
     *
     * @param x      at least 2 dims; channels divisible by {@code r}
     * @param factor the upscale factor r, at least 1
     * @return the rearranged tensor (differentiable)
     */
    public static Tensor pixelShuffle1d(Tensor x, int factor) {
        return ConvOps.pixelShuffle1d(x, factor);
    }

    /**
     * The inverse of {@link #pixelShuffle1d}: {@code (..., C, L·r)} to {@code (..., C·r, L)}.
     *
     * @param x      at least 2 dims; length divisible by {@code r}
     * @param factor the downscale factor r, at least 1
     * @return the rearranged tensor (differentiable)
     */
    public static Tensor pixelUnshuffle1d(Tensor x, int factor) {
        return ConvOps.pixelUnshuffle1d(x, factor);
    }
}
