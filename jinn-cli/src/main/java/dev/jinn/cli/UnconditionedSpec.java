package dev.jinn.cli;

import dev.jinn.flow.InvertibleModule;
import dev.jinn.flow.ModuleSpec;
import dev.jinn.flow.Shape;
import java.util.List;

/** Marks a spec of a block that takes no condition (a permutation), so {@link ModelConfig} appends it without. */
record UnconditionedSpec(ModuleSpec spec) implements ModuleSpec {
    @Override
    public InvertibleModule build(List<Shape> dimsIn, List<Shape> dimsC) {
        return spec.build(dimsIn, dimsC);
    }
}
