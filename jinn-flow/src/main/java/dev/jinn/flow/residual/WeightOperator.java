package dev.jinn.flow.residual;

import dev.jinn.tensor.Convolutions;
import dev.jinn.tensor.Tensor;
import java.util.Arrays;

/**
 * The linear map behind a weight tensor, with its adjoint: what spectral normalisation measures. For a dense
 * layer it is the matrix {@code W}; for a convolution it is the convolution operator on inputs of one spatial
 * size (stride 1, "same" zero padding), whose norm is not the norm of the reshaped kernel.
 */
abstract class WeightOperator {
    final int inChannels;
    final int outChannels;

    WeightOperator(int inChannels, int outChannels) {
        if (inChannels < 1 || outChannels < 1) {
            throw new IllegalArgumentException("spectrally normalised layer: channel (feature) counts must be "
                    + "positive, got in=" + inChannels + ", out=" + outChannels);
        }
        this.inChannels = inChannels;
        this.outChannels = outChannels;
    }

    /** A dense map {@code x·Wᵀ} with {@code W [out, in]}, on samples of shape {@code [in]}. */
    static WeightOperator dense(int in, int out) {
        return new Dense(in, out);
    }

    /**
     * A convolution with an odd kernel, stride 1 and "same" padding, on samples {@code [C, L]} (rank 1) or
     * {@code [C, H, W]} (rank 2).
     */
    static WeightOperator conv(int spatialRank, int in, int out, int kernel) {
        return new Conv(spatialRank, in, out, kernel);
    }

    /** A short description for messages, e.g. {@code Conv2d(3→16, k=3)}. */
    abstract String name();

    /** The shape of the weight tensor. */
    abstract int[] weightShape();

    /** The number of input values that feed one output value (for PyTorch's default initialisation). */
    abstract int fanIn();

    /** The rank of one sample ({@code 1} for vectors, {@code 1 + spatial rank} for signals). */
    abstract int sampleRank();

    /** {@code A·x + b} for a batch {@code x [N, in, spatial...]}; {@code bias} may be null. */
    abstract Tensor apply(Tensor x, Tensor weight, Tensor bias);

    /** {@code Aᵀ·y} for a batch {@code y [N, out, spatial...]}. */
    abstract Tensor applyTransposed(Tensor y, Tensor weight);

    /** The output sample shape for an input sample shape (channels replaced, spatial sizes kept). */
    int[] outputSampleShape(int[] inputSampleShape) {
        int[] s = inputSampleShape.clone();
        s[0] = outChannels;
        return s;
    }

    /** Checks that a sample shape fits this operator (rank, channel count, positive sizes). */
    void checkSampleShape(int[] sample) {
        boolean ok = sample.length == sampleRank() && sample[0] == inChannels;
        for (int d : sample) {
            ok &= d > 0;
        }
        if (!ok) {
            throw new IllegalArgumentException(name() + ": expected samples of rank " + sampleRank() + " with "
                    + inChannels + " channels first, got sample shape " + Arrays.toString(sample));
        }
    }

    private static final class Dense extends WeightOperator {
        Dense(int in, int out) {
            super(in, out);
        }

        @Override
        String name() {
            return "Linear(" + inChannels + "→" + outChannels + ")";
        }

        @Override
        int[] weightShape() {
            return new int[] {outChannels, inChannels};
        }

        @Override
        int fanIn() {
            return inChannels;
        }

        @Override
        int sampleRank() {
            return 1;
        }

        @Override
        Tensor apply(Tensor x, Tensor weight, Tensor bias) {
            Tensor y = x.matmul(weight.t());
            return bias == null ? y : y.add(bias);
        }

        @Override
        Tensor applyTransposed(Tensor y, Tensor weight) {
            return y.matmul(weight);
        }
    }

    private static final class Conv extends WeightOperator {
        private final int spatialRank;
        private final int kernel;

        Conv(int spatialRank, int in, int out, int kernel) {
            super(in, out);
            if (spatialRank != 1 && spatialRank != 2) {
                throw new IllegalArgumentException("convolution: 1 or 2 spatial dims are supported, got " + spatialRank);
            }
            if (kernel < 1 || kernel % 2 == 0) {
                throw new IllegalArgumentException("Conv" + spatialRank + "d(" + in + "→" + out + "): the kernel size"
                        + " must be odd and positive so that 'same' padding keeps the size, got " + kernel);
            }
            this.spatialRank = spatialRank;
            this.kernel = kernel;
        }

        @Override
        String name() {
            return "Conv" + spatialRank + "d(" + inChannels + "→" + outChannels + ", k=" + kernel + ")";
        }

        @Override
        int[] weightShape() {
            return spatialRank == 1 ? new int[] {outChannels, inChannels, kernel}
                    : new int[] {outChannels, inChannels, kernel, kernel};
        }

        @Override
        int fanIn() {
            return inChannels * (spatialRank == 1 ? kernel : kernel * kernel);
        }

        @Override
        int sampleRank() {
            return 1 + spatialRank;
        }

        @Override
        Tensor apply(Tensor x, Tensor weight, Tensor bias) {
            int pad = kernel / 2;
            return spatialRank == 1 ? Convolutions.conv1d(x, weight, bias, 1, pad, 1, 1)
                    : Convolutions.conv2d(x, weight, bias, 1, pad);
        }

        @Override
        Tensor applyTransposed(Tensor y, Tensor weight) {
            // The transposed convolution with the same weight and padding is the adjoint of apply, and maps
            // back to the input's size because the padding is "same".
            int pad = kernel / 2;
            return spatialRank == 1 ? Convolutions.convTranspose1d(y, weight, null, 1, pad, 0, 1, 1)
                    : Convolutions.convTranspose2d(y, weight, null, 1, pad, 0);
        }
    }
}
