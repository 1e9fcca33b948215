package dev.jinn.flow.topology;

import dev.jinn.flow.FlowResult;
import dev.jinn.flow.InvertibleModule;
import dev.jinn.flow.Shape;
import dev.jinn.flow.SingleInput;
import dev.jinn.flow.UnconditionalSpec;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Splits one input into several outputs along a non-batch axis, FrEIA's {@code Split}; the reverse concatenates
 * them again. A module with one input and several outputs: in a graph, fan-out goes through a split.
 *
 * <p>Formula: with section sizes {@code s₀, s₁, …} along axis {@code dim} (0 = channels, batch axis not
 * counted), output k is {@code x[:, …, o_k : o_k + s_k, …]} with {@code o_k = s₀ + … + s_{k−1}}. Log-det: 0.
 *
 * <p>The sections come from one of the factories, as FrEIA's arguments do:
 * <ul>
 *   <li>{@link #sections(int...)}: explicit sizes; sizes adding up to less than the axis length L get one more
 *       section for the rest (FrEIA's slack section), more than L is an error;</li>
 *   <li>{@link #at(int)}: {@code [s, L − s]};</li>
 *   <li>{@link #nSections(int)} (FrEIA's {@code n_sections}, default 2): numpy's {@code array_split} rule, the
 *       first {@code L mod n} sections one longer than the others.</li>
 * </ul>
 * Each returns a {@link Spec}; {@link Spec#dim(int)} picks the axis, e.g. {@code Split.at(2).dim(1)}.
 */
public final class Split extends InvertibleModule {
    private final int dim;
    private final int[] sections;

    /**
     * A split with explicit section sizes.
     *
     * @param dimsIn       one input shape
     * @param sectionSizes sizes along {@code dim}, none negative, adding up to at most the axis length (less: a
     *                     slack section is appended)
     * @param dim          the axis, 0-based without the batch axis
     */
    public Split(List<Shape> dimsIn, int[] sectionSizes, int dim) {
        super(dimsIn, List.of());
        Shape in = SingleInput.of("Split", dimsIn);
        this.dim = checkAxis("Split", in, dim);
        this.sections = withSlack(in, dim, sectionSizes);
    }

    /**
     * Explicit section sizes along the channel axis (change it with {@link Spec#dim(int)}).
     *
     * @param sizes the sizes, none negative; if they add up to less than the axis length, a last section takes
     *              the rest
     * @return the spec
     */
    public static Spec sections(int... sizes) {
        int[] copy = sizes.clone();
        return new Spec(length -> copy, 0);
    }

    /**
     * Two sections, {@code [size, L − size]}: FrEIA's integer {@code section_sizes}.
     *
     * @param size the first section's size, {@code 0 <= size < L}
     * @return the spec
     */
    public static Spec at(int size) {
        return new Spec(length -> {
            if (size < 0 || size >= length) {
                throw new IllegalArgumentException("Split.at(" + size + "): the split point must be in [0, "
                        + length + ") for an axis of length " + length);
            }
            return new int[] {size, length - size};
        }, 0);
    }

    /**
     * n sections of nearly equal size, as numpy's {@code array_split}: the first {@code L mod n} get
     * {@code L/n + 1} entries, the others {@code L/n}.
     *
     * @param n the number of sections, at least 2
     * @return the spec
     */
    public static Spec nSections(int n) {
        if (n < 2) {
            throw new IllegalArgumentException("Split.nSections: the number of sections must be at least 2, got " + n);
        }
        return new Spec(length -> {
            int[] s = new int[n];
            for (int k = 0; k < n; k++) {
                s[k] = length / n + (k < length % n ? 1 : 0);
            }
            return s;
        }, 0);
    }

    /**
     * FrEIA's default: two halves of the channel axis, the first one longer when the length is odd.
     *
     * @return {@code nSections(2)}
     */
    public static Spec spec() {
        return nSections(2);
    }

    /**
     * The axis split along.
     *
     * @return 0-based, batch axis not counted
     */
    public int dim() {
        return dim;
    }

    /**
     * The section sizes, including a slack section.
     *
     * @return one size per output
     */
    public int[] sectionSizes() {
        return sections.clone();
    }

    /** Splits (forward) or concatenates (reverse). */
    @Override
    public FlowResult forward(List<Tensor> x, List<Tensor> c, boolean reverse, boolean computeLogDet) {
        Tensor first = x.get(0);
        Tensor zero = Tensors.zeros(first.dtype(), first.size(0));
        if (reverse) {
            return FlowResult.of(Tensor.cat(x, dim + 1), zero);
        }
        return new FlowResult(first.split(sections, dim + 1), zero);
    }

    /** One shape per section: the input shape with the section's size along {@code dim}. */
    @Override
    public List<Shape> outputDims(List<Shape> inputDims) {
        Shape in = SingleInput.of("Split", inputDims);
        checkAxis("Split", in, dim);
        int total = Arrays.stream(sections).sum();
        if (in.dim(dim) != total) {
            throw new IllegalArgumentException(describe() + ": axis " + dim + " of input " + in + " has length "
                    + in.dim(dim) + ", but the sections " + Arrays.toString(sections) + " add up to " + total);
        }
        List<Shape> out = new ArrayList<>();
        for (int s : sections) {
            int[] d = in.dims();
            d[dim] = s;
            out.add(Shape.of(d));
        }
        return out;
    }

    @Override
    public String describe() {
        return "Split" + dimsIn() + " into " + Arrays.toString(sections) + " along axis " + dim;
    }

    static int checkAxis(String who, Shape in, int dim) {
        if (dim < 0 || dim >= in.rank()) {
            throw new IllegalArgumentException(who + ": axis " + dim + " is out of range for input " + in
                    + " (axes 0.." + (in.rank() - 1) + ", batch axis not counted)");
        }
        return dim;
    }

    private static int[] withSlack(Shape in, int dim, int[] sizes) {
        if (sizes == null || sizes.length == 0) {
            throw new IllegalArgumentException("Split: at least one section size is required");
        }
        int length = in.dim(dim);
        long total = 0;
        for (int s : sizes) {
            if (s < 0) {
                throw new IllegalArgumentException("Split: section sizes must be >= 0, got " + Arrays.toString(sizes));
            }
            total += s;
        }
        if (total > length) {
            throw new IllegalArgumentException("Split: section sizes " + Arrays.toString(sizes) + " add up to " + total
                    + ", more than the length " + length + " of axis " + dim + " of input " + in);
        }
        if (total == length) {
            return sizes.clone();
        }
        int[] out = Arrays.copyOf(sizes, sizes.length + 1);
        out[sizes.length] = (int) (length - total);
        return out;
    }

    /**
     * How to split, before the input shape is known: a section rule and an axis. Immutable; pass it to
     * {@code SequenceINN.append} or a graph node.
     */
    public static final class Spec implements UnconditionalSpec {
        private final IntFunction<int[]> sizesForLength;
        private final int dim;

        private Spec(IntFunction<int[]> sizesForLength, int dim) {
            this.sizesForLength = sizesForLength;
            this.dim = dim;
        }

        /**
         * The same sections along another axis.
         *
         * @param axis 0-based, batch axis not counted (0 = channels)
         * @return a new spec
         */
        public Spec dim(int axis) {
            return new Spec(sizesForLength, axis);
        }

        /**
         * Builds the split for the given input.
         *
         * @param dimsIn one input shape
         * @return the module
         */
        @Override
        public Split build(List<Shape> dimsIn) {
            Shape in = SingleInput.of("Split", dimsIn);
            return new Split(dimsIn, sizesForLength.apply(in.dim(checkAxis("Split", in, dim))), dim);
        }
    }
}
