package dev.jinn.nn;

import dev.jinn.tensor.Tensor;

/**
 * Merges a range of dims into one, as PyTorch's {@code nn.Flatten}: with the defaults
 * ({@code start_dim=1, end_dim=-1}) a batch {@code [N, C, H, W]} becomes {@code [N, C·H·W]}. Negative dims
 * count from the end.
 */
public final class Flatten extends Layer {
    private final int startDim;
    private final int endDim;

    /** Flattens all dims but the first (PyTorch's defaults {@code start_dim=1, end_dim=-1}). */
    public Flatten() {
        this(1, -1);
    }

    /**
     * Flattens dims {@code startDim..endDim} (inclusive).
     *
     * @param startDim the first dim to merge
     * @param endDim   the last dim to merge
     */
    public Flatten(int startDim, int endDim) {
        this.startDim = startDim;
        this.endDim = endDim;
    }

    /**
     * Flattens the input (a view when the input is contiguous).
     *
     * @param x the input
     * @return the flattened tensor
     */
    @Override
    public Tensor forward(Tensor x) {
        try {
            return x.flatten(startDim, endDim);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Flatten(" + extraRepr() + "): " + e.getMessage(), e);
        }
    }

    @Override
    protected String extraRepr() {
        return "start_dim=" + startDim + ", end_dim=" + endDim;
    }
}
