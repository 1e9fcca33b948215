package dev.jinn.flow.residual;

import dev.jinn.nn.Module;
import dev.jinn.tensor.Tensor;
import java.util.Arrays;

/**
 * The protocol of iResNetLab's modules: {@code forward(x, log_p0, log_det_J0) → (y, log_p, log_det_J)}, each
 * module adding its own terms to the accumulated ones, and {@code inverse(y) → x}. With {@code log p_Z} the
 * density of the final output, {@code log p(x) = log p_Z(y) + logP + logDet} for a whole chain.
 *
 * <p>The accumulated terms have one value per sample: shape {@code [B]} for a batch {@code [B, ...]} (for
 * {@link RealNVP}, the leading dims of {@code (*, dim)}); {@code null} stands for zeros. The modules are
 * {@link Module}s: parameters, state dicts, train/eval.
 */
public abstract class IResNetModule extends Module {
    /** Creates the module in training mode. */
    protected IResNetModule() {
    }

    /**
     * Applies the module, adding its terms to the accumulated ones.
     *
     * @param x       the input batch
     * @param logP0   the accumulated log-density of abandoned features, {@code [B]}, or null for zeros
     * @param logDet0 the accumulated log-det, {@code [B]}, or null for zeros
     * @return {@code (y, logP0 + this module's log-density terms, logDet0 + this module's log-det)}
     */
    public abstract IResNetResult forward(Tensor x, Tensor logP0, Tensor logDet0);

    /**
     * Applies the module with zero accumulated terms.
     *
     * @param x the input batch
     * @return {@code (y, logP, logDet)}
     */
    public final IResNetResult forward(Tensor x) {
        return forward(x, null, null);
    }

    /**
     * Inverts the module.
     *
     * @param y an output of the module
     * @return the input it came from
     */
    public abstract Tensor inverse(Tensor y);

    /**
     * A name for messages: the class name.
     *
     * @return e.g. {@code ResidualBlock}
     */
    public String describe() {
        return getClass().getSimpleName();
    }

    /**
     * An accumulated term, or zeros when {@code given} is null, checked against the batch shape of {@code x}.
     *
     * @param given      the accumulated term, or null
     * @param x          the batch
     * @param sampleRank the number of trailing dims of {@code x} that make one sample
     * @param what       the term's name for messages
     * @return a tensor of shape {@code x.shape()[0 .. rank − sampleRank]}
     */
    protected final Tensor accumulated(Tensor given, Tensor x, int sampleRank, String what) {
        int[] batch = Arrays.copyOf(x.shape(), x.dim() - sampleRank);
        if (given == null) {
            return Tensor.zeros(x.dtype(), batch);
        }
        if (!Arrays.equals(given.shape(), batch)) {
            throw new IllegalArgumentException(describe() + ": " + what + " has shape " + Arrays.toString(given.shape())
                    + ", expected " + Arrays.toString(batch) + " (one value per sample of the input "
                    + Arrays.toString(x.shape()) + ")");
        }
        return given;
    }

    /**
     * Checks the rank and the channel (first sample) size of an input.
     *
     * @param x          the batch
     * @param sampleRank the number of dims of one sample
     * @param channels   the required size of the first sample dim
     * @param what       how to call the tensor in messages ({@code input}, {@code output})
     */
    protected final void checkBatch(Tensor x, int sampleRank, int channels, String what) {
        int[] s = x.shape();
        if (s.length != sampleRank + 1 || s[1] != channels) {
            StringBuilder expected = new StringBuilder("[B, ").append(channels);
            for (int i = 1; i < sampleRank; i++) {
                expected.append(", ").append(i == 1 && sampleRank == 2 ? "L" : i == 1 ? "H" : "W");
            }
            throw new IllegalArgumentException(describe() + ": expected an " + what + " of shape " + expected + "], got "
                    + Arrays.toString(s));
        }
    }
}
