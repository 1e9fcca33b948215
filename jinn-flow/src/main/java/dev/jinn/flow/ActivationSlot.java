package dev.jinn.flow;

import dev.jinn.tensor.Tensor;

/**
 * Where a memory-saving block finds its output during the backward pass. The forward pass fills it; the chain
 * empties it as soon as the next block has consumed the value, so that no activation stays in memory; the next
 * block's backward pass refills it with the input it reconstructed by inversion, just before this block's
 * backward pass needs it. The slot of a chain's last output stays filled (the caller holds that tensor anyway),
 * which is what lets a retained graph be walked again.
 */
final class ActivationSlot {
    private final String owner;
    private Tensor value;
    private boolean pinned;

    /**
     * An empty slot.
     *
     * @param owner the block whose output it holds, for messages
     */
    ActivationSlot(String owner) {
        this.owner = owner;
    }

    /** Fills the slot (with a value cut off from any graph). */
    void set(Tensor t) {
        value = t.detach();
    }

    /** Empties the slot, letting the storage go, unless it is pinned. */
    void release() {
        if (!pinned) {
            value = null;
        }
    }

    /** Keeps the value for good: the slot of an output that leaves the chain, which its caller holds anyway. */
    void pin() {
        pinned = true;
    }

    /**
     * The value.
     *
     * @return the output of the owner
     * @throws IllegalStateException when nothing refilled it (a backward pass that did not come through the
     *                               consumer of this output)
     */
    Tensor get() {
        if (value == null) {
            throw new IllegalStateException(owner + ": memory-saving backprop has no output to reconstruct the "
                    + "input from; its output was used outside the chain of memory-saving blocks (backward "
                    + "from an intermediate output?), so turn memory saving off for this use");
        }
        return value;
    }
}
