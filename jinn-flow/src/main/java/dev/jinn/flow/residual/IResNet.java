package dev.jinn.flow.residual;

import dev.jinn.flow.ModuleSpec;
import dev.jinn.flow.Shape;
import dev.jinn.flow.coupling.MaskedAffineCoupling;
import dev.jinn.flow.linear.Invertible1x1Conv;
import dev.jinn.flow.norm.InvertibleBatchNorm1d;
import dev.jinn.flow.reshape.PixelShuffle;
import dev.jinn.nn.Layer;
import dev.jinn.tensor.Tensor;
import java.util.List;

/**
 * The iResNetLab-style entry point: factories of i-ResNet blocks that map {@code (x, logP0, logDet0)} to
 * {@code (y, logP, logDet)} ({@link IResNetModule}), chained by {@link #sequential(ModuleSpec...)} with
 * iResNetLab's other layers, which are jinn's framework modules of their families.
 *
 * <pre>{@code
 * IResNetModule model = IResNet.sequential(IResNet.fcn(2, 2), IResNet.fcn(2, 2), IResNet.fcn(2, 2));
 * model.train();
 * IResNetResult r = model.forward(x);            // r.y(), r.logP(), r.logDet()
 * Tensor back = model.inverse(r.y().detach());   // x again
 * }</pre>
 *
 * <p>Every module is created with the documented default generator ({@code Init.defaultRng()}); the builders
 * ({@link ResidualBlock#fcn(int, int)}) and constructors ({@link MaskedAffineCoupling}, ...) take an explicit one and the
 * other options. The blocks and the pixel (un)shuffles take samples of any spatial size; the batch
 * normalisation, the 1×1 convolution and RealNVP are built for one sample shape.
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
     * @param modules the steps, applied first to last: blocks, chains, built framework modules, pixel (un)shuffles
     * @return the chain
     */
    public static IResNetSequential sequential(ModuleSpec... modules) {
        return new IResNetSequential(modules);
    }

    /**
     * iResNetLab's invertible {@code BatchNorm1d(dim)} for vectors {@code [B, dim]}.
     *
     * @param dim the channel count
     * @return the layer, a framework module of {@code dev.jinn.flow.norm}
     */
    public static InvertibleBatchNorm1d batchNorm1d(int dim) {
        return new InvertibleBatchNorm1d(List.of(Shape.of(dim)));
    }

    /**
     * iResNetLab's invertible {@code BatchNorm1d(dim)} for signals {@code [B, dim, length]}.
     *
     * @param dim    the channel count
     * @param length the signal length L
     * @return the layer, a framework module of {@code dev.jinn.flow.norm}
     */
    public static InvertibleBatchNorm1d batchNorm1d(int dim, int length) {
        return new InvertibleBatchNorm1d(List.of(Shape.of(dim, length)));
    }

    /**
     * iResNetLab's {@code RealNVP(dim)} with the defaults: generated networks with {@code k = 4}, chessboard mask,
     * {@code clip = 1}.
     *
     * @param dim the size of the last axis
     * @return the block, a framework module of {@code dev.jinn.flow.coupling}
     */
    public static MaskedAffineCoupling realNVP(int dim) {
        return new MaskedAffineCoupling(List.of(Shape.of(dim)), null, null, 4, null, 1.0, null);
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
     * @return the block, a framework module of {@code dev.jinn.flow.coupling}
     */
    public static MaskedAffineCoupling realNVP(int dim, Layer fLogS, Layer fT, int k, Tensor mask, double clip) {
        return new MaskedAffineCoupling(List.of(Shape.of(dim)), fLogS, fT, k, mask, clip, null);
    }

    /**
     * Glow's invertible 1×1 convolution with the LU parameterisation.
     *
     * @param channels the channel count
     * @param spatial  the spatial sizes of the samples: none for vectors, {@code L} or {@code H, W}
     * @return the layer, a framework module of {@code dev.jinn.flow.linear}
     */
    public static Invertible1x1Conv invertible1x1Conv(int channels, int... spatial) {
        int[] dims = new int[spatial.length + 1];
        dims[0] = channels;
        System.arraycopy(spatial, 0, dims, 1, spatial.length);
        return new Invertible1x1Conv(List.of(Shape.of(dims)), null);
    }

    /**
     * 1-D pixel shuffle {@code (C·r, L) → (C, L·r)}.
     *
     * @param factor r
     * @return the spec, built for each input shape
     */
    public static PixelShuffle.Spec pixelShuffle1d(int factor) {
        return PixelShuffle.spec(1, factor, true);
    }

    /**
     * 1-D pixel unshuffle {@code (C, L·r) → (C·r, L)}.
     *
     * @param factor r
     * @return the spec, built for each input shape
     */
    public static PixelShuffle.Spec pixelUnshuffle1d(int factor) {
        return PixelShuffle.spec(1, factor, false);
    }

    /**
     * 2-D pixel shuffle {@code (C·r², H, W) → (C, H·r, W·r)}.
     *
     * @param factor r
     * @return the spec, built for each input shape
     */
    public static PixelShuffle.Spec pixelShuffle2d(int factor) {
        return PixelShuffle.spec(2, factor, true);
    }

    /**
     * 2-D pixel unshuffle {@code (C, H·r, W·r) → (C·r², H, W)}.
     *
     * @param factor r
     * @return the spec, built for each input shape
     */
    public static PixelShuffle.Spec pixelUnshuffle2d(int factor) {
        return PixelShuffle.spec(2, factor, false);
    }
}
