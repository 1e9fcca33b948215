package dev.jinn.nn;

import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;

/**
 * PyTorch's default initialisation of convolution layers, and the generator used when a layer is built without
 * an explicit {@link Rng}.
 *
 * <p>PyTorch initialises a convolution weight with {@code kaiming_uniform_(a=√5)}: gain {@code √(2/(1+a²))}
 * times {@code √(3/fan_in)}, which is {@code U(−1/√fan_in, 1/√fan_in)}; the bias is drawn from the same
 * range. {@code fan_in} is {@code weight.size(1) · ∏ kernel}: {@code in_channels/groups · ∏ kernel} for a
 * convolution and {@code out_channels/groups · ∏ kernel} for a transposed one (whose weight is
 * {@code [in, out/groups, kernel...]}).
 *
 * <p>The default generator is seeded with {@link Rng#DEFAULT_SEED}; each layer built without an explicit
 * generator gets its own {@link Rng#split()} of it, in construction order, so a program that builds the same
 * layers in the same order gets the same weights on every run.
 */
final class ConvInit {
    private static final Rng DEFAULT = new Rng(Rng.DEFAULT_SEED);

    private ConvInit() {
    }

    /** A fresh generator split off the shared default one. */
    static synchronized Rng defaultRng() {
        return DEFAULT.split();
    }

    /** The bound {@code 1/√fanIn} of PyTorch's default weight and bias initialisation (0 for an empty fan). */
    static double bound(long fanIn) {
        return fanIn > 0 ? 1.0 / Math.sqrt(fanIn) : 0.0;
    }

    /** A float32 tensor of independent {@code U(−bound, bound)} samples. */
    static Tensor uniform(Rng rng, double bound, int... shape) {
        return Tensor.rand(rng, shape).mul(2 * bound).sub(bound);
    }
}
