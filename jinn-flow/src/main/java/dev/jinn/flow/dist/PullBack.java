package dev.jinn.flow.dist;

import dev.jinn.flow.Inverse;
import dev.jinn.flow.InvertibleModule;

/**
 * The density a normalising flow defines when trained in the usual direction (FrEIA's
 * {@code PullBackDistribution}): T maps data to latent, so
 * {@code log p(x) = log p_z(T(x)) + log|det ∂T/∂x|}, and samples are {@code T⁻¹(z)}. It is the
 * {@link PushForward} through {@code T⁻¹}.
 */
public final class PullBack extends PushForward {
    private final InvertibleModule flow;

    /**
     * The pull-back of {@code base} through {@code transform}.
     *
     * @param base      the latent distribution; its event shape must be the transform's output shape
     * @param transform the map from data to latent space
     */
    public PullBack(Distribution base, InvertibleModule transform) {
        super(base, new Inverse(transform));
        this.flow = transform;
    }

    /**
     * The map from data to latent space (as given, not inverted).
     *
     * @return the flow
     */
    public InvertibleModule flow() {
        return flow;
    }
}
