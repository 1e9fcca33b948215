package dev.jinn.flow.inference;

import dev.jinn.check.Require;
import dev.jinn.autograd.Grad;
import dev.jinn.flow.FlowResult;
import dev.jinn.flow.InvertibleModule;
import dev.jinn.flow.Shape;
import dev.jinn.flow.dist.StandardNormal;
import dev.jinn.kernel.Parallel;
import dev.jinn.tensor.DType;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.TensorScope;
import dev.jinn.tensor.Tensors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A flow's forward pass, inverse and log-likelihood on large batches, for inference only: nothing is recorded
 * for autograd (no graph, no saved activations), and the batch is cut into blocks of {@link #blockRows()} rows
 * that the threads of the shared pool ({@code jinn.threads}) run side by side, each block's kernels on its own
 * thread. The results are the same as one pass over the whole batch with autograd off, up to the rounding of
 * products of another height; they never depend on the thread count, because the blocks' boundaries depend only
 * on the batch size.
 *
 * <pre>{@code
 * var inference = new BatchInference(flow);      // the flow is used as it is: call flow.eval() first
 * double[] logP = inference.logLikelihood(x, List.of());
 * Tensor samples = inference.inverse(z, List.of()).output();
 * }</pre>
 *
 * <p>Blocks are only run apart when every row's result is a function of that row alone. A flow with a module
 * in training mode (batch statistics, dropout), an {@code ActNorm} that would initialise itself from the data,
 * or a module whose call draws random numbers ({@link dev.jinn.flow.Stateful} with a hazard, e.g. an i-ResNet's
 * stochastic log-det) runs as one block on the calling thread, exactly as {@code flow.forward} would.
 */
public final class BatchInference {
    /** The default block height: large enough for the products to run at speed, small for the cache. */
    public static final int DEFAULT_BLOCK_ROWS = 1024;

    private final InvertibleModule flow;
    private final int blockRows;

    /**
     * Inference with blocks of {@value #DEFAULT_BLOCK_ROWS} rows.
     *
     * @param flow the flow, used in its present mode
     */
    public BatchInference(InvertibleModule flow) {
        this(flow, DEFAULT_BLOCK_ROWS);
    }

    /**
     * Inference with blocks of a given height.
     *
     * @param flow      the flow, used in its present mode
     * @param blockRows rows per block, at least 1
     * @throws IllegalArgumentException when {@code blockRows < 1}
     */
    public BatchInference(InvertibleModule flow, int blockRows) {
        this.flow = Objects.requireNonNull(flow, "BatchInference: flow");
        this.blockRows = Require.atLeast(1, blockRows, "BatchInference: blockRows");
    }

    /**
     * The rows per block.
     *
     * @return the block height
     */
    public int blockRows() {
        return blockRows;
    }

    /**
     * The forward pass {@code z = f(x)} with its log-det, without autograd.
     *
     * @param x          the inputs {@code [B, ...]}
     * @param conditions the conditions, each {@code [B, ...]} (may be empty)
     * @return {@code z} and {@code log|det J|} per row, neither attached to a graph
     */
    public FlowResult forward(Tensor x, List<Tensor> conditions) {
        return run(x, conditions, false);
    }

    /**
     * The inverse pass {@code x = f⁻¹(z)} with its log-det, without autograd.
     *
     * @param z          the latent rows {@code [B, ...]}
     * @param conditions the conditions, each {@code [B, ...]} (may be empty)
     * @return {@code x} and the inverse's log-det per row
     */
    public FlowResult inverse(Tensor z, List<Tensor> conditions) {
        return run(z, conditions, true);
    }

    /**
     * The log-likelihood of each row under the flow with a standard normal base density,
     * {@code log p(x) = −½‖f(x)‖² − (D/2)·ln 2π + log|det J|} in nats (the negation of
     * {@link dev.jinn.train.Nll#perSample}).
     *
     * @param x          the inputs {@code [B, ...]}
     * @param conditions the conditions (may be empty)
     * @return {@code log p(x)} per row
     */
    public double[] logLikelihood(Tensor x, List<Tensor> conditions) {
        FlowResult r = forward(x, conditions);
        Tensor z = r.output();
        try (var g = Grad.disabled()) {
            Tensor logP = new StandardNormal(Shape.ofSample(z)).logProb(z).add(r.logDet());
            return logP.to(DType.FLOAT64).toDoubleArray();
        }
    }

    private FlowResult run(Tensor x, List<Tensor> conditions, boolean reverse) {
        Objects.requireNonNull(x, "BatchInference: input");
        Objects.requireNonNull(conditions, "BatchInference: conditions");
        if (x.dim() == 0) {
            return pass(x, conditions, reverse); // the flow's own shape check reports it
        }
        int rows = x.size(0);
        for (int i = 0; i < conditions.size(); i++) {
            if (conditions.get(i).dim() == 0 || conditions.get(i).size(0) != rows) {
                throw new IllegalArgumentException("BatchInference: condition " + i + " has shape "
                        + Arrays.toString(conditions.get(i).shape()) + ", expected " + rows + " rows as the input "
                        + Arrays.toString(x.shape()));
            }
        }
        int blocks = rows <= blockRows || !RowIndependence.holds(flow) ? 1 : (rows + blockRows - 1) / blockRows;
        if (blocks == 1) {
            return pass(x, conditions, reverse);
        }
        Tensor[] outputs = new Tensor[blocks];
        Tensor[] logDets = new Tensor[blocks];
        // One item per block, each costing a whole chunk of elements, so that the pool takes one block at a time.
        Parallel.forRange(blocks, Parallel.CHUNK, (from, to) -> {
            for (int b = from; b < to; b++) {
                int start = b * blockRows;
                int length = Math.min(blockRows, rows - start);
                List<Tensor> conds = new ArrayList<>(conditions.size());
                for (Tensor c : conditions) {
                    conds.add(c.narrow(0, start, length));
                }
                // A scope per block on the thread that runs it: the pass's storages are recycled there.
                try (TensorScope s = Tensors.scope()) {
                    FlowResult r = pass(x.narrow(0, start, length), conds, reverse);
                    outputs[b] = s.keep(r.output());
                    logDets[b] = s.keep(r.logDet());
                }
            }
        });
        try (var g = Grad.disabled()) {
            return FlowResult.of(Tensor.cat(List.of(outputs), 0), Tensor.cat(List.of(logDets), 0));
        }
    }

    /** One pass of the flow over some rows, recording nothing (grad mode is per thread, so set on each). */
    private FlowResult pass(Tensor x, List<Tensor> conditions, boolean reverse) {
        try (var g = Grad.disabled()) {
            return reverse ? flow.inverse(x, conditions) : flow.forward(x, conditions);
        }
    }
}
