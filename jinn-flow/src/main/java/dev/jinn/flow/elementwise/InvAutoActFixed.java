package dev.jinn.flow.elementwise;

import dev.jinn.flow.Shape;
import dev.jinn.flow.UnconditionalSpec;
import java.util.List;

/**
 * FrEIA's {@code InvAutoActFixed}: {@link InvAutoAct} with its slope fixed (the persistent buffer {@code alpha},
 * so FrEIA state dicts load unchanged). FrEIA deprecated the class in favour of {@code InvAutoAct(learnable=False)},
 * which is what its warning says it stands for; FrEIA's code itself passes its arguments on and so still trains
 * the slope unless {@code learnable=False} is given. jinn keeps the meaning of the name: the slope is not trained.
 */
public final class InvAutoActFixed extends InvAutoAct {
    /**
     * The activation with FrEIA's default slope 2.
     *
     * @param dimsIn one input shape {@code (C, …)}
     */
    public InvAutoActFixed(List<Shape> dimsIn) {
        this(dimsIn, 2.0);
    }

    /**
     * The activation with a chosen slope.
     *
     * @param dimsIn    one input shape {@code (C, …)}
     * @param slopeInit the slope on the positive side, positive
     */
    public InvAutoActFixed(List<Shape> dimsIn, double slopeInit) {
        super(dimsIn, slopeInit, false);
    }

    /**
     * The spec with FrEIA's default slope 2 (hides {@link InvAutoAct#spec()}, whose slope is learned).
     *
     * @return a spec for {@code SequenceINN.append} or a graph node
     */
    public static UnconditionalSpec spec() {
        return InvAutoActFixed::new;
    }

    /**
     * The spec with a chosen slope.
     *
     * @param slopeInit the slope on the positive side, positive
     * @return a spec for {@code SequenceINN.append} or a graph node
     */
    public static UnconditionalSpec spec(double slopeInit) {
        return in -> new InvAutoActFixed(in, slopeInit);
    }
}
