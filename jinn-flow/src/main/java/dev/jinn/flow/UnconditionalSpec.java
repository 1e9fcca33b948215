package dev.jinn.flow;

import java.util.List;

/**
 * A {@link ModuleSpec} for a module that takes no conditions: it is built from the input shapes alone, and
 * connecting conditions to it is an error at construction time (FrEIA accepts them and ignores or rejects
 * them only when the module runs). Lambdas fit: {@code UnconditionalSpec s = in -> new Flatten(in);}.
 */
@FunctionalInterface
public interface UnconditionalSpec extends ModuleSpec {
    /**
     * Builds the module for the given input shapes.
     *
     * @param dimsIn the shapes of the inputs, batch axis excluded
     * @return the module
     */
    InvertibleModule build(List<Shape> dimsIn);

    /**
     * Builds the module and rejects conditions.
     *
     * @param dimsIn the shapes of the inputs
     * @param dimsC  the shapes of the conditions; must be empty
     * @return the module
     * @throws IllegalArgumentException if conditions are given, naming the module
     */
    @Override
    default InvertibleModule build(List<Shape> dimsIn, List<Shape> dimsC) {
        InvertibleModule module = build(dimsIn);
        if (dimsC != null && !dimsC.isEmpty()) {
            throw new IllegalArgumentException(module.describe() + " takes no conditions, but conditions " + dimsC
                    + " were connected to it");
        }
        return module;
    }
}
