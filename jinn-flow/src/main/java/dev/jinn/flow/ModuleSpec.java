package dev.jinn.flow;

import java.util.List;

/**
 * How to build an invertible module once its input and condition shapes are known: FrEIA's
 * {@code (ModuleClass, kwargs)} pair. {@link SequenceINN#append} and graph nodes call it with the inferred shapes,
 * so a block never has to be told its own size. Builders of the module families implement it; a lambda such
 * as {@code (in, c) -> new MyModule(in, c, 0.5)} does too, and every {@link InvertibleModule} is a spec that
 * returns itself after checking the shapes.
 */
@FunctionalInterface
public interface ModuleSpec {
    /**
     * Builds the module.
     *
     * @param dimsIn the shapes of the inputs, batch axis excluded
     * @param dimsC  the shapes of the conditions (empty if none)
     * @return the module, whose {@link InvertibleModule#dimsIn()} equal {@code dimsIn}
     */
    InvertibleModule build(List<Shape> dimsIn, List<Shape> dimsC);
}
