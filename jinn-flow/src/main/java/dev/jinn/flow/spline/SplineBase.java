package dev.jinn.flow.spline;

import dev.jinn.nn.Module;

/**
 * Holds a coupling spline's settings as FrEIA's {@code spline_base} child module does, so that the state-dict
 * keys are {@code spline_base.bins}, {@code spline_base.default_domain}, … and FrEIA state dicts load.
 */
final class SplineBase extends Module {
    private final int bins;
    private final Double domainClamping;

    SplineBase(BinSettings settings) {
        this.bins = settings.bins();
        this.domainClamping = settings.domainClamping();
        settings.buffers().forEach((name, value) -> registerBuffer(name, value, true));
    }

    /** The settings held in the buffers (possibly loaded from a state dict). */
    BinSettings settings() {
        return BinSettings.fromBuffers(this::buffer, domainClamping, bins);
    }
}
