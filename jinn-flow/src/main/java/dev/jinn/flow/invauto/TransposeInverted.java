package dev.jinn.flow.invauto;

import dev.jinn.flow.FlowResult;
import dev.jinn.flow.InvertibleModule;
import dev.jinn.flow.Shape;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the invertible-autoencoder layers share: {@code y = W x + b} forward and {@code x = Wᵀ(y − b)} in reverse,
 * with W a linear map (a matrix or a convolution) and {@code Wᵀ} its adjoint. The reverse is the true inverse
 * only when W is orthogonal, which a reconstruction loss drives it to; the log-det is reported as 0 (FrEIA's
 * value: exact for an orthogonal W, otherwise not the true one), with a warning logged once per layer, as FrEIA
 * warns on every call.
 */
abstract class TransposeInverted extends InvertibleModule {
    private static final Logger LOG = LoggerFactory.getLogger(TransposeInverted.class);

    private final AtomicBoolean warned = new AtomicBoolean();

    /**
     * The layer for its input shapes.
     *
     * @param dimsIn one input shape
     */
    TransposeInverted(List<Shape> dimsIn) {
        super(dimsIn, List.of());
    }

    /**
     * {@code W x}, the map without the bias.
     *
     * @param x the batch of inputs
     * @return the batch of outputs
     */
    abstract Tensor map(Tensor x);

    /**
     * {@code Wᵀ y}, the adjoint of {@link #map}.
     *
     * @param y the batch of outputs
     * @return the batch of inputs
     */
    abstract Tensor adjoint(Tensor y);

    @Override
    public final FlowResult forward(List<Tensor> x, List<Tensor> c, boolean reverse, boolean computeLogDet) {
        if (computeLogDet && warned.compareAndSet(false, true)) {
            LOG.warn("{}: invertible-autoencoder layers have no tractable log-det; it is reported as 0, which is "
                    + "exact only once the weight is orthogonal", describe());
        }
        Tensor in = x.get(0);
        Tensor bias = parameter("bias");
        Tensor out = reverse ? adjoint(in.sub(bias)) : map(in).add(bias);
        return FlowResult.of(out, Tensors.zeros(in.dtype(), in.size(0)));
    }
}
