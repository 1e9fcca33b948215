package dev.jinn.flow;

import dev.jinn.nn.BatchNorm;
import dev.jinn.nn.Dropout;
import dev.jinn.nn.Module;
import java.util.Map;

/**
 * Whether a module can be run a second time during the backward pass and give the same function: memory-saving
 * backprop re-runs each block's forward on its reconstructed input, which is exact only for deterministic
 * modules without side effects. Refused: dropout in training mode (another mask the second time), batch
 * normalisation in training mode (batch statistics, and running averages updated twice), and any module that
 * says so itself ({@link Stateful}).
 */
final class RecomputeSafety {
    private RecomputeSafety() {
    }

    /**
     * Fails unless the module and all its submodules can be recomputed.
     *
     * @param module the block
     * @param who    how to name it
     * @throws IllegalStateException naming the block, the submodule and the reason
     */
    static void check(InvertibleModule module, String who) {
        for (Map.Entry<String, Module> e : module.namedModules().entrySet()) {
            String reason = reason(e.getValue());
            if (reason != null) {
                String where = e.getKey().isEmpty() ? "" : " (its submodule '" + e.getKey() + "')";
                throw new IllegalStateException(who + ": memory-saving backprop cannot recompute "
                        + e.getValue().getClass().getSimpleName() + where + ": " + reason
                        + "; switch it to eval mode or turn memory saving off for this block");
            }
        }
    }

    private static String reason(Module m) {
        if (!m.isTraining()) {
            return null;
        }
        if (m instanceof Dropout d && d.p() > 0) {
            return "dropout draws another mask when the forward pass is run again";
        }
        if (m instanceof BatchNorm) {
            return "in training mode it normalises with batch statistics and updates its running averages, "
                    + "which a second forward pass would do again";
        }
        if (m instanceof Stateful s) {
            return s.recomputationHazard();
        }
        return null;
    }
}
