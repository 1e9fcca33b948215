package dev.jinn.flow.reshape;

import dev.jinn.flow.Shape;
import dev.jinn.flow.UnconditionalSpec;
import java.util.List;

/**
 * Flattens each sample to a vector, FrEIA's {@code Flatten}: {@code (d₁, …, dₙ) → (d₁·…·dₙ,)} in row-major order;
 * the reverse restores the input shape. Log-det: 0.
 */
public final class Flatten extends Reshape {
    /**
     * A flatten module.
     *
     * @param dimsIn one input shape
     */
    public Flatten(List<Shape> dimsIn) {
        super(dimsIn, dimsIn == null || dimsIn.isEmpty() ? null : Shape.of(dimsIn.get(0).numel()));
    }

    /**
     * The spec.
     *
     * @return a spec for {@code SequenceINN.append} or a graph node
     */
    public static UnconditionalSpec spec() {
        return Flatten::new;
    }
}
