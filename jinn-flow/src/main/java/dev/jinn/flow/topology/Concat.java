package dev.jinn.flow.topology;

import dev.jinn.flow.FlowResult;
import dev.jinn.flow.InvertibleModule;
import dev.jinn.flow.Shape;
import dev.jinn.flow.UnconditionalSpec;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.util.List;

/**
 * Concatenates several inputs along a non-batch axis, FrEIA's {@code Concat}; the reverse splits them apart
 * again. A module with several inputs and one output: in a graph, it merges branches.
 *
 * <p>Formula: {@code y = cat(x₀, x₁, …)} along axis {@code dim} (0 = channels, batch axis not counted). Log-det: 0.
 * There must be more than one input, all of the same rank and equal sizes except along {@code dim}.
 */
public final class Concat extends InvertibleModule {
    private final int dim;
    private final int[] sections;

    /**
     * A concatenation.
     *
     * @param dimsIn at least two input shapes, equal except along {@code dim}
     * @param dim    the axis, 0-based without the batch axis
     */
    public Concat(List<Shape> dimsIn, int dim) {
        super(dimsIn, List.of());
        this.dim = dim;
        checkInputs(dimsIn, dim);
        this.sections = new int[dimsIn.size()];
        for (int i = 0; i < sections.length; i++) {
            sections[i] = dimsIn.get(i).dim(dim);
        }
    }

    /**
     * Concatenation along the channel axis (FrEIA's default).
     *
     * @return the spec
     */
    public static UnconditionalSpec spec() {
        return dim(0);
    }

    /**
     * Concatenation along a given axis.
     *
     * @param axis 0-based, batch axis not counted
     * @return the spec
     */
    public static UnconditionalSpec dim(int axis) {
        return in -> new Concat(in, axis);
    }

    /**
     * The axis concatenated along.
     *
     * @return 0-based, batch axis not counted
     */
    public int dim() {
        return dim;
    }

    /** Concatenates (forward) or splits back into the input shapes (reverse). */
    @Override
    public FlowResult forward(List<Tensor> x, List<Tensor> c, boolean reverse, boolean computeLogDet) {
        Tensor first = x.get(0);
        Tensor zero = Tensors.zeros(first.dtype(), first.size(0));
        if (reverse) {
            return new FlowResult(first.split(sections, dim + 1), zero);
        }
        return FlowResult.of(Tensor.cat(x, dim + 1), zero);
    }

    /** The common shape with the sizes along {@code dim} added up. */
    @Override
    public List<Shape> outputDims(List<Shape> inputDims) {
        checkInputs(inputDims, dim);
        int[] d = inputDims.get(0).dims();
        d[dim] = 0;
        for (Shape s : inputDims) {
            d[dim] += s.dim(dim);
        }
        return List.of(Shape.of(d));
    }

    private static void checkInputs(List<Shape> dimsIn, int dim) {
        if (dimsIn.size() < 2) {
            throw new IllegalArgumentException("Concat needs more than one input, got " + dimsIn);
        }
        Shape first = dimsIn.get(0);
        if (dim < 0 || dim >= first.rank()) {
            throw new IllegalArgumentException("Concat: axis " + dim + " is out of range for inputs " + dimsIn
                    + " (axes 0.." + (first.rank() - 1) + ", batch axis not counted)");
        }
        for (int i = 1; i < dimsIn.size(); i++) {
            Shape s = dimsIn.get(i);
            boolean compatible = s.rank() == first.rank();
            for (int a = 0; compatible && a < s.rank(); a++) {
                compatible = a == dim || s.dim(a) == first.dim(a);
            }
            if (!compatible) {
                throw new IllegalArgumentException("Concat: input " + i + " has shape " + s + ", which differs from"
                        + " input 0 " + first + " outside axis " + dim + "; all inputs " + dimsIn
                        + " must agree except along the concatenation axis");
            }
        }
    }
}
