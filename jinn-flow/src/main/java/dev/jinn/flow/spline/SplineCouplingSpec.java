package dev.jinn.flow.spline;

import dev.jinn.flow.InvertibleModule;
import dev.jinn.flow.Shape;
import java.util.List;
import java.util.Objects;

/**
 * The builder of a spline coupling block, whose settings are all shared (subnet, split, bins, domain, minimum
 * bin sizes, tails): {@code LinearSpline.builder()} and {@code RationalQuadraticSpline.builder()} both return
 * one of these, differing only in the block they build.
 *
 * @param <M> the block type
 */
public final class SplineCouplingSpec<M extends InvertibleModule>
        extends BinnedSplineCoupling.Builder<SplineCouplingSpec<M>> {
    /** How a block type is made from the shapes and these settings (its constructor). */
    @FunctionalInterface
    interface Factory<M> {
        M create(List<Shape> dimsIn, List<Shape> dimsC, BinnedSplineCoupling.Builder<?> settings);
    }

    private final Factory<M> factory;

    SplineCouplingSpec(Factory<M> factory) {
        this.factory = Objects.requireNonNull(factory, "factory");
    }

    @Override
    protected SplineCouplingSpec<M> self() {
        return this;
    }

    /** Builds the block for the inferred shapes with the settings given so far. */
    @Override
    public M build(List<Shape> dimsIn, List<Shape> dimsC) {
        return factory.create(dimsIn, dimsC, this);
    }
}
