package dev.jinn.flow.coupling;

import dev.jinn.flow.InvertibleModule;
import dev.jinn.flow.ModuleSpec;
import dev.jinn.flow.Shape;
import dev.jinn.flow.SubnetConstructor;
import java.util.List;
import java.util.Objects;

/**
 * The settings every coupling block takes: its subnet constructor and its split ({@code split_len}). A builder
 * is a {@link ModuleSpec}: {@code SequenceINN.append} and graph nodes call {@link #build(List, List)} with the
 * inferred shapes, and it can be reused to build any number of independent blocks.
 *
 * @param <B> the concrete builder, returned by every setter
 */
public abstract class CouplingBlockBuilder<B extends CouplingBlockBuilder<B>> implements ModuleSpec {
    private SubnetConstructor subnet;
    private SplitLength split = SplitLength.HALF;

    /** A builder with FrEIA's defaults ({@code split_len=0.5}) and no subnet yet. */
    protected CouplingBlockBuilder() {
    }

    /**
     * This builder, typed as the concrete builder.
     *
     * @return {@code this}
     */
    protected abstract B self();

    /**
     * The constructor of the block's subnets (required), called with the input and output channel counts each
     * subnet needs.
     *
     * @param constructor e.g. {@code Subnets.mlp(64)}
     * @return this builder
     */
    public B subnet(SubnetConstructor constructor) {
        this.subnet = Objects.requireNonNull(constructor, "subnet constructor");
        return self();
    }

    /**
     * Splits at a fraction of the channels: {@code len1 = round(C·fraction)}, half to even (default 0.5).
     *
     * @param fraction in {@code [0, 1]}
     * @return this builder
     * @throws IllegalArgumentException outside {@code [0, 1]}
     */
    public B splitLen(double fraction) {
        this.split = SplitLength.fraction(fraction);
        return self();
    }

    /**
     * Splits after exactly {@code count} channels.
     *
     * @param count {@code 0 ≤ count ≤ C} (C is checked when the block is built)
     * @return this builder
     * @throws IllegalArgumentException for a negative count
     */
    public B splitLen(int count) {
        this.split = SplitLength.count(count);
        return self();
    }

    /**
     * The split set so far.
     *
     * @return the split
     */
    protected final SplitLength split() {
        return split;
    }

    /**
     * The subnet constructor, which must have been given.
     *
     * @param who the block, for the message
     * @return the constructor
     * @throws IllegalArgumentException when {@link #subnet(SubnetConstructor)} was not called
     */
    protected final SubnetConstructor subnetConstructor(String who) {
        if (subnet == null) {
            throw new IllegalArgumentException(who + ": no subnet constructor given; call subnet(...), e.g. "
                    + "subnet(Subnets.mlp(64))");
        }
        return subnet;
    }

    /**
     * Builds a block for the given shapes.
     *
     * @param dimsIn one input shape
     * @param dimsC  condition shapes
     * @return the block
     */
    @Override
    public abstract InvertibleModule build(List<Shape> dimsIn, List<Shape> dimsC);
}
