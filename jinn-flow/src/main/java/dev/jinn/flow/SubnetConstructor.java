package dev.jinn.flow;

import dev.jinn.autograd.Grad;
import dev.jinn.nn.Layer;
import dev.jinn.nn.Module;
import dev.jinn.tensor.Tensor;

/**
 * Builds the inner network of a coupling block for given channel counts: FrEIA's
 * {@code subnet_constructor(c_in, c_out)}. The block calls it with the sizes it needs (e.g. passive half plus
 * condition channels in, twice the active half out), so the user only chooses the architecture. See
 * {@link Subnets} for ready-made ones; any lambda {@code (in, out) -> new Sequential(...)} works.
 */
@FunctionalInterface
public interface SubnetConstructor {
    /**
     * Builds a network mapping {@code inChannels} to {@code outChannels} channels (features for vectors,
     * channels for images; the other axes are kept).
     *
     * @param inChannels  input channels
     * @param outChannels output channels
     * @return the network
     */
    Layer build(int inChannels, int outChannels);

    /**
     * The same constructor, with the parameters of the network's last parameterised module set to zero, so a
     * coupling block built with it starts as the identity (a common trick for stable training of deep flows).
     *
     * @return the zero-initialising constructor
     */
    default SubnetConstructor zeroInitLast() {
        return (in, out) -> {
            Layer net = build(in, out);
            Module last = null;
            for (Module m : net.namedModules().values()) {
                if (m.namedParameters().size() > 0 && m.children().isEmpty()) {
                    last = m;
                }
            }
            if (last != null) {
                try (var g = Grad.disabled()) {
                    for (Tensor p : last.parameters()) {
                        p.fill(0);
                    }
                }
            }
            return net;
        };
    }
}
