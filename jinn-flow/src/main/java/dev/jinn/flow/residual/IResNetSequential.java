package dev.jinn.flow.residual;

import dev.jinn.flow.InvertibleModule;
import dev.jinn.flow.ModuleSpec;
import dev.jinn.flow.SequenceINN;
import dev.jinn.flow.Shape;
import dev.jinn.flow.SingleInput;
import dev.jinn.flow.reshape.PixelShuffle;
import java.util.ArrayList;
import java.util.List;

/**
 * iResNetLab's {@code Sequential}: a chain whose forward passes {@code (y, logP, logDet)} from one step to the
 * next, so both terms accumulate, and whose inverse runs the steps' inverses in reverse order.
 *
 * <p>A step is an iResNetLab adapter ({@link ResidualBlock}, a nested {@code IResNetSequential}), a built
 * framework module ({@code InvertibleModule}, e.g. a coupling, a 1×1 convolution or a batch normalisation, which
 * takes the shape it was built for) or a {@link PixelShuffle.Spec} (stateless, built for whatever shape arrives).
 * Modules are children named by their position {@code 0, 1, ...}, as in iResNetLab, so state-dict keys read
 * {@code 0.residual.0.weight}; a pixel (un)shuffle has no state and no child.
 */
public final class IResNetSequential extends IResNetModule {
    private final List<ModuleSpec> steps = new ArrayList<>();
    private final List<Link> links = new ArrayList<>();

    /**
     * A chain of the given steps.
     *
     * @param chain the steps, applied first to last
     * @throws IllegalArgumentException for a null step or a spec that would make new parameters at every call
     */
    public IResNetSequential(ModuleSpec... chain) {
        for (ModuleSpec step : chain) {
            String name = Integer.toString(steps.size());
            if (step instanceof IResNetModule adapter) {
                links.addAll(adapter.links());
                registerModule(name, adapter);
            } else if (step instanceof InvertibleModule module) {
                links.add(Link.of(module));
                registerModule(name, module);
            } else if (step instanceof PixelShuffle.Spec resize) {
                links.add(Link.of(resize));
            } else {
                throw new IllegalArgumentException("IResNet.sequential: module " + name + " is "
                        + (step == null ? "null" : "a spec (" + step + ") other than a pixel (un)shuffle; pass the "
                        + "module built from it, so that its parameters belong to the chain"));
            }
            steps.add(step);
        }
    }

    @Override
    List<Link> links() {
        return links;
    }

    /**
     * One step of the chain.
     *
     * @param index 0-based
     * @return the step as it was given
     */
    public ModuleSpec get(int index) {
        if (index < 0 || index >= steps.size()) {
            throw new IndexOutOfBoundsException("IResNet.sequential: index " + index + " out of range for "
                    + steps.size() + " modules");
        }
        return steps.get(index);
    }

    /**
     * The number of steps.
     *
     * @return the length of the chain
     */
    public int size() {
        return steps.size();
    }

    /** Forces the Lipschitz bound of every residual block in the chain (nested chains included). */
    public void lipschitzCorrection() {
        for (ModuleSpec step : steps) {
            if (step instanceof ResidualBlock block) {
                block.lipschitzCorrection();
            } else if (step instanceof IResNetSequential chain) {
                chain.lipschitzCorrection();
            } else if (step instanceof IResNetLayer layer) {
                layer.lipschitzCorrection();
            }
        }
    }

    /**
     * The chain as one framework module for samples of the given shape.
     *
     * @param dimsIn one input shape
     * @param dimsC  no conditions
     * @return a {@link SequenceINN} of the steps' modules (sharing their parameters)
     * @throws IllegalArgumentException if a step abandons features, which a {@code SequenceINN} cannot do
     */
    @Override
    public SequenceINN build(List<Shape> dimsIn, List<Shape> dimsC) {
        if (!dimsC.isEmpty()) {
            throw new IllegalArgumentException("IResNet.sequential is unconditional, got conditions " + dimsC);
        }
        SequenceINN inn = new SequenceINN(SingleInput.of("IResNet.sequential", dimsIn));
        for (Link link : links) {
            if (link.abandoned() > 0) {
                throw new IllegalArgumentException("IResNet.sequential: a step abandons " + link.abandoned()
                        + " features, which only the iResNetLab forward can do");
            }
            inn.append(link.spec());
        }
        return inn;
    }
}
