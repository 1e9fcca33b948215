package dev.jinn.flow;

/**
 * Implemented by modules whose forward pass is not a pure function of its inputs and parameters (random draws,
 * state updated on every call), so that memory-saving backprop, which re-runs the forward pass during the
 * backward pass, refuses them with their own reason instead of computing wrong gradients.
 */
public interface Stateful {
    /**
     * Why running the forward pass a second time would not reproduce the first one, in the module's present
     * mode.
     *
     * @return the reason, or null when a second run is exact (e.g. in eval mode)
     */
    String recomputationHazard();
}
