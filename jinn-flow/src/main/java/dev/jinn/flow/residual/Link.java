package dev.jinn.flow.residual;

import dev.jinn.flow.InvertibleModule;
import dev.jinn.flow.ModuleSpec;
import dev.jinn.flow.Shape;
import dev.jinn.flow.reshape.PixelShuffle;
import dev.jinn.tensor.Rng;
import java.util.function.UnaryOperator;

/**
 * One step of an iResNetLab chain as {@link IResNetChain} runs it: the spec of its framework module, built for
 * the sample shape that reaches it; the shape it takes for a given output shape (so that a chain can be inverted
 * without a forward call first); and the trailing features it abandons to the base density after its module.
 *
 * @param spec       builds the framework module for the incoming sample shape
 * @param sampleRank the rank of one sample it takes (the axes after those are the batch)
 * @param inputFor   the sample shape it takes for the sample shape it returns (after abandoning)
 * @param abandoned  how many trailing features of its module's output go to {@code logP} (0 for none)
 * @param rng        the generator that draws abandoned features for the inverse (null when none are abandoned)
 */
record Link(ModuleSpec spec, int sampleRank, UnaryOperator<Shape> inputFor, int abandoned, Rng rng) {
    /**
     * A built framework module: it takes the shape it was built for.
     *
     * @param module the module
     * @return its link
     */
    static Link of(InvertibleModule module) {
        Shape in = module.dimsIn().get(0);
        return new Link(module, in.rank(), out -> in, 0, null);
    }

    /**
     * A pixel (un)shuffle: built for each shape that reaches it.
     *
     * @param spec the resize
     * @return its link
     */
    static Link of(PixelShuffle.Spec spec) {
        return new Link(spec, spec.spatialRank() + 1, spec::inputShape, 0, null);
    }
}
