package dev.jinn.flow.residual;

import dev.jinn.nn.Layer;
import dev.jinn.tensor.Tensor;

/**
 * The iResNetLab-style entry point: factories of modules that map {@code (x, logP0, logDet0)} to
 * {@code (y, logP, logDet)} ({@link IResNetModule}), chained by {@link #sequential(IResNetModule...)}.
 *
 * <pre>{@code
 * IResNetModule model = IResNet.sequential(IResNet.fcn(2, 2), IResNet.fcn(2, 2), IResNet.fcn(2, 2));
 * model.train();
 * IResNetResult r = model.forward(x);            // r.y(), r.logP(), r.logDet()
 * Tensor back = model.inverse(r.y().detach());   // x again
 * }</pre>
 *
 * <p>Every module is created with the documented default generator ({@code Init.defaultRng()}); the builders
 * ({@link ResidualBlock#fcn(int, int)}, ...) take an explicit one and the other options.
 */
public final class IResNet {
    private IResNet() {
    }

    /**
     * iResNetLab's {@code FCN(dim_in, dim_out)}: a fully connected i-ResNet block; with {@code dimOut < dimIn} the
     * last {@code dimIn − dimOut} features are abandoned into {@code logP} (see {@link ResidualBlock}).
     *
     * @param dimIn  the input size
     * @param dimOut the output size, at most {@code dimIn}
     * @return the block
     */
    public static ResidualBlock fcn(int dimIn, int dimOut) {
        return ResidualBlock.fcn(dimIn, dimOut).build();
    }

    /**
     * iResNetLab's {@code Conv1d(channel, kernel_size)}: a 1-D convolutional i-ResNet block on
     * {@code [B, channels, L]}.
     *
     * @param channels   the channel count
     * @param kernelSize the odd kernel size
     * @return the block
     */
    public static ResidualBlock conv1d(int channels, int kernelSize) {
        return ResidualBlock.conv1d(channels, kernelSize).build();
    }

    /**
     * iResNetLab's {@code Conv2d(channel, kernel_size)}: a 2-D convolutional i-ResNet block on
     * {@code [B, channels, H, W]}.
     *
     * @param channels   the channel count
     * @param kernelSize the odd kernel size
     * @return the block
     */
    public static ResidualBlock conv2d(int channels, int kernelSize) {
        return ResidualBlock.conv2d(channels, kernelSize).build();
    }

    /**
     * iResNetLab's {@code Sequential(*modules)}.
     *
     * @param modules the modules, applied first to last
     * @return the chain
     */
    public static IResNetSequential sequential(IResNetModule... modules) {
        return new IResNetSequential(modules);
    }

    /**
     * iResNetLab's invertible {@code BatchNorm1d(dim)}.
     *
     * @param dim the channel count
     * @return the layer
     */
    public static InvertibleBatchNorm1d batchNorm1d(int dim) {
        return new InvertibleBatchNorm1d(dim);
    }

    /**
     * iResNetLab's {@code RealNVP(dim)} with the defaults: generated networks with {@code k = 4}, chessboard mask,
     * {@code clip = 1}.
     *
     * @param dim the size of the last axis
     * @return the block
     */
    public static RealNVP realNVP(int dim) {
        return new RealNVP(dim, null, null, 4, null, 1.0, null);
    }

    /**
     * iResNetLab's {@code RealNVP(dim, f_log_s, f_t, k, mask, clip)}; a null network or mask selects the default.
     *
     * @param dim   the size of the last axis
     * @param fLogS the network for {@code log s}, or null
     * @param fT    the network for {@code t}, or null
     * @param k     the width factor of generated networks
     * @param mask  {@code [dim]} zeros and ones, or null for the chessboard
     * @param clip  the bound of {@code |log s|}
     * @return the block
     */
    public static RealNVP realNVP(int dim, Layer fLogS, Layer fT, int k, Tensor mask, double clip) {
        return new RealNVP(dim, fLogS, fT, k, mask, clip, null);
    }

    /**
     * Glow's invertible 1×1 convolution with the LU parameterisation.
     *
     * @param channels the channel count
     * @return the layer
     */
    public static Invertible1x1Conv invertible1x1Conv(int channels) {
        return new Invertible1x1Conv(channels, null);
    }

    /**
     * 1-D pixel shuffle {@code (C·r, L) → (C, L·r)}.
     *
     * @param factor r
     * @return the layer
     */
    public static PixelShuffle pixelShuffle1d(int factor) {
        return new PixelShuffle(1, factor, true);
    }

    /**
     * 1-D pixel unshuffle {@code (C, L·r) → (C·r, L)}.
     *
     * @param factor r
     * @return the layer
     */
    public static PixelShuffle pixelUnshuffle1d(int factor) {
        return new PixelShuffle(1, factor, false);
    }

    /**
     * 2-D pixel shuffle {@code (C·r², H, W) → (C, H·r, W·r)}.
     *
     * @param factor r
     * @return the layer
     */
    public static PixelShuffle pixelShuffle2d(int factor) {
        return new PixelShuffle(2, factor, true);
    }

    /**
     * 2-D pixel unshuffle {@code (C, H·r, W·r) → (C·r², H, W)}.
     *
     * @param factor r
     * @return the layer
     */
    public static PixelShuffle pixelUnshuffle2d(int factor) {
        return new PixelShuffle(2, factor, false);
    }
}
