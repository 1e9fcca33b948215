package dev.jinn.flow.residual;

import dev.jinn.flow.ModuleSpec;
import dev.jinn.nn.Module;
import dev.jinn.tensor.Tensor;
import java.util.List;

/**
 * The iResNetLab face of jinn's invertible modules: {@code forward(x, log_p0, log_det_J0) → (y, log_p, log_det_J)},
 * each step adding its terms to the accumulated ones, and {@code inverse(y) → x}. With {@code log p_Z} the density
 * of the final output, {@code log p(x) = log p_Z(y) + logP + logDet} for a whole chain.
 *
 * <p>An adapter, not a second protocol: the work is done by framework modules ({@code InvertibleModule}s) run in
 * {@code SequenceINN}s, built for the sample shape of the input; {@code logP} collects the standard-normal
 * log-density of the features a {@link ResidualBlock} abandons. The two adapters are {@link ResidualBlock} and
 * {@link IResNetSequential}; both are also specs of framework modules for {@code SequenceINN.append}.
 *
 * <p>The accumulated terms have one value per sample: shape {@code [B]} for a batch {@code [B, ...]}, or the
 * leading dims {@code [*]} of an input {@code (*, sample...)} with more than one batch axis; {@code null} stands
 * for zeros. Errors of the framework modules come as {@code FlowException}s naming the module.
 */
public abstract class IResNetModule extends Module implements ModuleSpec {
    /** Creates the adapter in training mode; only this package's adapters exist. */
    IResNetModule() {
    }

    /**
     * The steps this adapter runs, in order.
     *
     * @return the links of the chain
     */
    abstract List<Link> links();

    /**
     * Applies the module, adding its terms to the accumulated ones.
     *
     * @param x       the input batch
     * @param logP0   the accumulated log-density of abandoned features, {@code [B]}, or null for zeros
     * @param logDet0 the accumulated log-det, {@code [B]}, or null for zeros
     * @return {@code (y, logP0 + this module's log-density terms, logDet0 + this module's log-det)}
     */
    public final IResNetResult forward(Tensor x, Tensor logP0, Tensor logDet0) {
        return IResNetChain.forward(describe(), links(), x, logP0, logDet0);
    }

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
     * Inverts the module; features abandoned on the way are drawn from the standard normal with the generator of
     * the block that abandoned them.
     *
     * @param y an output of the module
     * @return the input it came from
     */
    public final Tensor inverse(Tensor y) {
        return IResNetChain.inverse(describe(), links(), y, null);
    }

    /**
     * A name for messages.
     *
     * @return e.g. {@code ResidualBlock fcn(4, 3)}
     */
    public String describe() {
        return getClass().getSimpleName();
    }
}
