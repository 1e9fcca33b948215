package dev.jinn.flow.dist;

import dev.jinn.flow.FlowResult;
import dev.jinn.flow.InvertibleModule;
import dev.jinn.flow.Shape;
import dev.jinn.tensor.DType;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import java.util.List;

/**
 * The distribution of {@code x = T(z)} for {@code z} drawn from a base distribution, T an invertible module
 * with one input and one output (FrEIA's {@code PushForwardDistribution}): samples are {@code T(z)}, and by the
 * change of variables {@code log p(x) = log p_z(T⁻¹(x)) + log|det ∂T⁻¹/∂x|}.
 */
public class PushForward implements Distribution {
    private final Distribution base;
    private final InvertibleModule transform;

    /**
     * The push-forward of {@code base} through {@code transform}.
     *
     * @param base      the latent distribution; its event shape must be the transform's input shape
     * @param transform the map from latent to data space
     */
    public PushForward(Distribution base, InvertibleModule transform) {
        if (transform.dimsIn().size() != 1 || transform.dimsOut().size() != 1) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": " + transform.describe()
                    + " must have exactly one input and one output");
        }
        if (!base.eventShape().equals(transform.dimsIn().get(0))) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": the base distribution has event shape "
                    + base.eventShape() + " but " + transform.describe() + " takes " + transform.dimsIn().get(0));
        }
        this.base = base;
        this.transform = transform;
    }

    /**
     * The latent distribution.
     *
     * @return the base distribution
     */
    public Distribution base() {
        return base;
    }

    /**
     * The map from latent to data space.
     *
     * @return the transform
     */
    public InvertibleModule transform() {
        return transform;
    }

    @Override
    public Shape eventShape() {
        return transform.dimsOut().get(0);
    }

    @Override
    public Tensor logProb(Tensor x, List<Tensor> conditions) {
        FlowResult back = transform.inverse(x, conditions);
        return base.logProb(back.output()).add(back.logDet());
    }

    @Override
    public Tensor rsample(Rng rng, int n, DType dtype, List<Tensor> conditions) {
        Tensor z = base.rsample(rng, n, dtype, List.of());
        return transform.forward(z, conditions).output();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "(" + base + ", " + transform.describe() + ")";
    }
}
