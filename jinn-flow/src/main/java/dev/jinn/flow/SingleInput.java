package dev.jinn.flow;

import java.util.List;

/**
 * Shape checks shared by the modules that take exactly one input, so that they all reject a wrong input list
 * with the same kind of message: the module, what it expects, what it got.
 */
public final class SingleInput {
    private SingleInput() {
    }

    /**
     * The only input shape.
     *
     * @param module the module's name, for messages
     * @param dimsIn the input shapes
     * @return {@code dimsIn.get(0)}
     * @throws IllegalArgumentException if there is not exactly one input
     */
    public static Shape of(String module, List<Shape> dimsIn) {
        if (dimsIn == null || dimsIn.size() != 1) {
            throw new IllegalArgumentException(module + " takes exactly one input, got "
                    + (dimsIn == null ? "null" : dimsIn.size() + ": " + dimsIn));
        }
        return dimsIn.get(0);
    }

    /**
     * The only input shape, which must have a given rank.
     *
     * @param module   the module's name, for messages
     * @param dimsIn   the input shapes
     * @param rank     the required number of axes (batch excluded)
     * @param expected how to describe the required shape, e.g. {@code (C, H, W)}
     * @return the shape
     * @throws IllegalArgumentException if there is not exactly one input or it has another rank
     */
    public static Shape ofRank(String module, List<Shape> dimsIn, int rank, String expected) {
        Shape s = of(module, dimsIn);
        if (s.rank() != rank) {
            throw new IllegalArgumentException(module + " expects an input of shape " + expected + ", got " + s);
        }
        return s;
    }
}
