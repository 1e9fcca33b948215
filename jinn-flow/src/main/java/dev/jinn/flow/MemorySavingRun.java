package dev.jinn.flow;

import dev.jinn.tensor.Tensor;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * One memory-saving forward pass through a network of invertible blocks (a {@link SequenceINN}
 * or a {@link GraphINN}): each block runs as a {@link RecomputedBlock}, and an activation passed
 * from one block to the next is let go as soon as the next block has run, because that block will reconstruct
 * it by inversion during the backward pass. Activations that leave the network (or are never consumed by a
 * block) stay, since the caller holds them anyway; so training memory no longer grows with depth.
 *
 * <pre>{@code
 * MemorySavingRun run = new MemorySavingRun();
 * FlowResult a = run.block(first, "block 0", List.of(x), List.of());
 * FlowResult b = run.block(second, "block 1", a.outputs(), List.of());
 * run.finish();
 * }</pre>
 */
final class MemorySavingRun {
    /** The slot of each activation a block produced in this run, by tensor identity. */
    private final Map<Tensor, ActivationSlot> producedBy = new IdentityHashMap<>();
    private final List<ActivationSlot> open = new ArrayList<>();

    /** Starts a pass (one per forward call of the network). */
    MemorySavingRun() {
    }

    /**
     * Runs one block forward, without keeping its activations.
     *
     * @param module     the block
     * @param who        how to name it in messages
     * @param inputs     its inputs (outputs of earlier blocks of this run, or the network's inputs)
     * @param conditions its conditions (kept: they are the caller's)
     * @return the block's outputs and its {@code [B]} log-det, recorded for autograd
     * @throws IllegalStateException when the block cannot be recomputed exactly (dropout or batch statistics in
     *                               training mode, or a {@link Stateful} module that says why)
     */
    FlowResult block(InvertibleModule module, String who, List<Tensor> inputs, List<Tensor> conditions) {
        RecomputeSafety.check(module, who);
        List<ActivationSlot> inputSlots = new ArrayList<>();
        for (Tensor x : inputs) {
            inputSlots.add(producedBy.get(x));
        }
        List<Tensor> params = new ArrayList<>();
        for (Tensor p : module.parameters()) {
            if (p.requiresGrad()) {
                params.add(p);
            }
        }
        RecomputedBlock f = new RecomputedBlock(module, who, inputs.size(), conditions.size(), params, inputSlots);
        List<Tensor> args = new ArrayList<>(inputs);
        args.addAll(conditions);
        args.addAll(params);
        Tensor[] out = f.apply(args.toArray(new Tensor[0]));
        // The consumed activations go: this block's backward pass will rebuild them from its own output.
        for (ActivationSlot s : inputSlots) {
            if (s != null) {
                s.release();
                open.remove(s);
            }
        }
        List<Tensor> outputs = new ArrayList<>();
        for (int k = 0; k < out.length - 1; k++) {
            outputs.add(out[k]);
            producedBy.put(out[k], f.outputSlots().get(k));
            open.add(f.outputSlots().get(k));
        }
        return new FlowResult(outputs, out[out.length - 1]);
    }

    /**
     * Ends the pass: the activations no block consumed are the network's outputs (or otherwise in the caller's
     * hands), so their slots keep them, which also lets a retained graph be walked a second time.
     */
    void finish() {
        for (ActivationSlot s : open) {
            s.pin();
        }
        open.clear();
        producedBy.clear();
    }
}
