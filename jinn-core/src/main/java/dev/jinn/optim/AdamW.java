package dev.jinn.optim;

import dev.jinn.tensor.Tensor;
import java.util.List;

/**
 * Adam with decoupled weight decay (Loshchilov &amp; Hutter), as PyTorch's {@code torch.optim.AdamW}: before the
 * Adam update of {@link Adam} (run without the L2 term), each parameter is decayed directly,
 *
 * <pre>
 * p = p · (1 − lr · weight_decay)
 * </pre>
 *
 * <p>Defaults as in PyTorch: {@code lr = 1e-3}, {@code betas = (0.9, 0.999)}, {@code eps = 1e-8},
 * {@code weight_decay = 1e-2}, {@code amsgrad = false}, {@code maximize = false}. Options, state and state-dict
 * keys are those of {@link Adam}.
 */
public final class AdamW extends Adam {
    /**
     * AdamW with PyTorch's defaults ({@code lr = 1e-3}, {@code weight_decay = 1e-2}).
     *
     * @param params the parameters
     */
    public AdamW(List<Tensor> params) {
        this(single(params), builder().options());
    }

    /**
     * AdamW with a given learning rate and the other defaults.
     *
     * @param params the parameters
     * @param lr     the learning rate
     */
    public AdamW(List<Tensor> params, double lr) {
        this(single(params), builder().lr(lr).options());
    }

    /**
     * AdamW over several groups.
     *
     * @param groups   the parameter groups
     * @param defaults the options of groups without overrides (from {@link #builder()}, whose weight decay
     *                 defaults to 1e-2)
     */
    public AdamW(List<ParamGroup<AdamOptions>> groups, AdamOptions defaults) {
        super("AdamW", groups, defaults, true);
    }

    /**
     * A builder of AdamW's hyper-parameters, starting from PyTorch's defaults (weight decay 1e-2); its
     * {@code build} methods return AdamW instances (typed as {@link Adam}; see {@link #create}).
     *
     * @return the builder
     */
    public static Adam.Builder builder() {
        return new Adam.Builder(1e-2) {
            @Override
            public Adam buildGroups(List<ParamGroup<AdamOptions>> groups) {
                return new AdamW(groups, options());
            }
        };
    }

    /**
     * Creates AdamW over one group from a builder, typed as AdamW.
     *
     * @param params   the parameters
     * @param defaults the hyper-parameters, e.g. {@code AdamW.builder().lr(3e-4)}
     * @return the optimizer
     */
    public static AdamW create(List<Tensor> params, Adam.Builder defaults) {
        return new AdamW(single(params), defaults.options());
    }
}
