package dev.jinn.flow.coupling;

import dev.jinn.flow.InvertibleModule;
import dev.jinn.flow.Shape;
import java.util.List;
import java.util.Objects;

/**
 * The builder of an affine coupling block whose only settings are the shared ones (subnet, clamp, clamp
 * activation, split): {@code GLOWCouplingBlock.builder()}, {@code RNVPCouplingBlock.builder()}, ... all return
 * one of these, differing only in the block they build.
 *
 * @param <M> the block type
 */
public final class AffineCouplingSpec<M extends InvertibleModule> extends AffineCouplingBuilder<AffineCouplingSpec<M>> {
    /** How a block type is made from the shapes and these settings (its constructor). */
    @FunctionalInterface
    interface Factory<M> {
        M create(List<Shape> dimsIn, List<Shape> dimsC, AffineCouplingBuilder<?> settings);
    }

    private final Factory<M> factory;

    AffineCouplingSpec(Factory<M> factory) {
        this.factory = Objects.requireNonNull(factory, "factory");
    }

    @Override
    protected AffineCouplingSpec<M> self() {
        return this;
    }

    /** Builds the block for the inferred shapes with the settings given so far. */
    @Override
    public M build(List<Shape> dimsIn, List<Shape> dimsC) {
        return factory.create(dimsIn, dimsC, this);
    }
}
