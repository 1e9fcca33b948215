package dev.jinn.flow.inference;

import dev.jinn.flow.InvertibleModule;
import dev.jinn.flow.Stateful;
import dev.jinn.flow.norm.ActNorm;
import dev.jinn.nn.Module;

/**
 * Whether a flow's result for each row depends on that row alone, so that a batch may be cut into blocks run
 * apart: no module in training mode (batch statistics, dropout masks), no {@link ActNorm} still to initialise
 * itself from the first batch it sees, and no {@link Stateful} module whose call is not a pure function (random
 * probes).
 */
final class RowIndependence {
    private RowIndependence() {
    }

    /**
     * Checks the flow and all its submodules.
     *
     * @param flow the flow
     * @return true when blocks of rows may be run apart
     */
    static boolean holds(InvertibleModule flow) {
        for (Module m : flow.namedModules().values()) {
            if (m.isTraining()
                    || m instanceof ActNorm a && !a.isInitialized()
                    || m instanceof Stateful s && s.recomputationHazard() != null) {
                return false;
            }
        }
        return true;
    }
}
