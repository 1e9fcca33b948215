package dev.jinn.flow;

import dev.jinn.nn.Layer;
import dev.jinn.tensor.Tensor;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * A value computed from conditions by an ordinary (non-invertible) layer, usable only as a condition (FrEIA's
 * {@code FeedForwardNode}): e.g. a feature extractor shared by several coupling blocks.
 *
 * <p>{@code y = module(c)}, where {@code c} is the node's single condition, or its conditions concatenated along
 * the channel axis (axis 1) when there are several. It runs in both directions with the same result and
 * contributes nothing to the log-det, because its value is a condition, not part of the invertible map. Its
 * conditions follow the usual rule in reverse: a value from an ordinary node is the one recovered there.
 *
 * <p>The layer's parameters belong to the graph ({@code module_list.{i}.…} like every node's module) and are
 * trained with it. The declared output shape is checked on every run.
 */
public final class FeedForwardNode extends AbstractNode {
    private final Layer module;

    /**
     * A value computed from one condition.
     *
     * @param condition   a node or node output (not consumed)
     * @param outputShape the per-sample shape the layer returns
     * @param module      the layer
     */
    public FeedForwardNode(Connectable condition, Shape outputShape, Layer module) {
        this(Collections.singletonList(condition), outputShape, module);
    }

    /**
     * A value computed from several conditions, concatenated along the channel axis before the layer.
     *
     * @param conditions  nodes or node outputs (not consumed), whose shapes agree except in the channel axis
     * @param outputShape the per-sample shape the layer returns
     * @param module      the layer
     * @throws IllegalArgumentException if there is no condition, the conditions cannot be concatenated, or an
     *                                  argument is null
     */
    public FeedForwardNode(List<? extends Connectable> conditions, Shape outputShape, Layer module) {
        super("feedforward", List.of(), conditions);
        String who = constructionLabel(conditions());
        if (conditions().isEmpty()) {
            throw new IllegalArgumentException(who + ": a FeedForwardNode needs at least one condition");
        }
        if (outputShape == null || module == null) {
            throw new IllegalArgumentException(who + ": the " + (module == null ? "layer" : "output shape")
                    + " is null");
        }
        Shape first = conditionDims().get(0);
        for (Shape s : conditionDims()) {
            if (s.rank() != first.rank() || !Arrays.equals(s.dims(), 1, s.rank(), first.dims(), 1, first.rank())) {
                throw new IllegalArgumentException(who + ": conditions " + conditionDims() + " cannot be concatenated"
                        + " along the channel axis; all sizes but the first must agree");
            }
        }
        this.module = module;
        connect(List.of(outputShape));
    }

    /**
     * Names the node.
     *
     * @param newName a non-blank name
     * @return this node
     */
    @Override
    public FeedForwardNode named(String newName) {
        super.named(newName);
        return this;
    }

    /**
     * The layer computing the value.
     *
     * @return the layer
     */
    @Override
    public Layer module() {
        return module;
    }

    /**
     * The per-sample shape of the computed value.
     *
     * @return the declared output shape
     */
    public Shape shape() {
        return outputDims().get(0);
    }

    /**
     * Computes the value from the condition tensors, checking what the layer returns.
     *
     * @param c the condition values, batch first
     * @return the value, shape {@code [B, shape()...]}
     */
    Tensor compute(List<Tensor> c) {
        Tensor in = c.size() == 1 ? c.get(0) : Tensor.cat(c, 1);
        Tensor out;
        try {
            out = module.forward(in);
        } catch (IllegalArgumentException | IllegalStateException | ArithmeticException
                | UnsupportedOperationException e) {
            throw new FlowException(describe(), e);
        }
        int batch = in.size(0);
        if (out == null || !shape().matches(out) || out.size(0) != batch) {
            throw new IllegalStateException(describe() + " returned a value of shape "
                    + (out == null ? "null" : Arrays.toString(out.shape())) + ", but the node declares "
                    + Arrays.toString(shape().withBatch(batch)));
        }
        if (out.dtype() != in.dtype()) {
            throw new IllegalStateException(describe() + " returned dtype " + out.dtype() + " for conditions of dtype "
                    + in.dtype());
        }
        return out;
    }
}
