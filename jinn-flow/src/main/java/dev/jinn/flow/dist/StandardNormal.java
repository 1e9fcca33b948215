package dev.jinn.flow.dist;

import dev.jinn.check.Require;
import dev.jinn.flow.Shape;
import dev.jinn.tensor.DType;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.util.Arrays;
import java.util.List;

/**
 * The standard normal distribution over samples of a given shape, the usual base density of a flow:
 * {@code log p(x) = Σ (−½x² − ½ ln 2π)} over all event axes.
 */
public final class StandardNormal implements Distribution {
    private static final double HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);
    private final Shape shape;

    /**
     * The distribution over samples of the given shape.
     *
     * @param dims the event shape, e.g. {@code 2} or {@code 3, 32, 32}
     */
    public StandardNormal(int... dims) {
        this(Shape.of(dims));
    }

    /**
     * The distribution over samples of the given shape.
     *
     * @param shape the event shape
     */
    public StandardNormal(Shape shape) {
        this.shape = shape;
    }

    @Override
    public Shape eventShape() {
        return shape;
    }

    /** {@inheritDoc} It takes no conditions. */
    @Override
    public Tensor logProb(Tensor x, List<Tensor> conditions) {
        noConditions(conditions);
        if (!shape.matches(x)) {
            throw new IllegalArgumentException("StandardNormal" + shape + ".logProb: expected samples of shape [B, "
                    + inner() + "], got " + Arrays.toString(x.shape()));
        }
        int b = x.size(0);
        return x.reshape(b, -1).square().sum(1).mul(-0.5).sub(HALF_LOG_2PI * shape.numel());
    }

    /** {@inheritDoc} It takes no conditions and has no parameters, so this is {@link #sample}. */
    @Override
    public Tensor rsample(Rng rng, int n, DType dtype, List<Tensor> conditions) {
        noConditions(conditions);
        Require.atLeast(0, n, "StandardNormal" + shape + ": sample count");
        return Tensors.randn(rng, dtype, shape.withBatch(n));
    }

    private void noConditions(List<Tensor> conditions) {
        if (conditions != null && !conditions.isEmpty()) {
            throw new IllegalArgumentException("StandardNormal" + shape + " takes no conditions, got "
                    + conditions.size());
        }
    }

    private String inner() {
        String s = Arrays.toString(shape.dims());
        return s.substring(1, s.length() - 1);
    }

    @Override
    public String toString() {
        return "StandardNormal" + shape;
    }
}
