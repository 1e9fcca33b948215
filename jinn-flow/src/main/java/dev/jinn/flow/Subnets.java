package dev.jinn.flow;

import dev.jinn.check.Require;
import dev.jinn.nn.Conv2d;
import dev.jinn.nn.Layer;
import dev.jinn.nn.Linear;
import dev.jinn.nn.ReLU;
import dev.jinn.nn.Sequential;

/**
 * Ready-made {@link SubnetConstructor}s, the ones FrEIA's examples write by hand. Each is an
 * {@link Sequential} of layers with ReLU between them, so state-dict keys match the equivalent PyTorch
 * {@code nn.Sequential} ({@code subnet.0.weight}, {@code subnet.2.weight}, ...). Layers draw their initial
 * values from the documented default generator ({@code Init.defaultRng()}), as PyTorch's do.
 */
public final class Subnets {
    private Subnets() {
    }

    /**
     * A fully connected network {@code Linear(in, h₁) → ReLU → … → Linear(hₖ, out)}; FrEIA's quick start uses
     * {@code mlp(512)}.
     *
     * @param hidden the hidden widths (none: a single linear layer)
     * @return the constructor
     */
    public static SubnetConstructor mlp(int... hidden) {
        int[] widths = positive("mlp", hidden);
        return (in, out) -> {
            Sequential net = new Sequential();
            int prev = in;
            for (int h : widths) {
                net.add(new Linear(prev, h)).add(new ReLU());
                prev = h;
            }
            return net.add(new Linear(prev, out));
        };
    }

    /**
     * A convolutional network for images: {@code Conv2d(in, hidden, k) → ReLU → Conv2d(hidden, out, k)} with
     * "same" padding {@code k/2} (odd k), as FrEIA's convolutional example.
     *
     * @param hidden the hidden channel count
     * @param kernel the kernel size, odd
     * @return the constructor
     */
    public static SubnetConstructor conv(int hidden, int kernel) {
        positive("conv", hidden);
        if (kernel < 1 || kernel % 2 == 0) {
            throw new IllegalArgumentException("Subnets.conv: the kernel size must be odd and positive (for 'same'"
                    + " padding), got " + kernel);
        }
        return (in, out) -> new Sequential(convLayer(in, hidden, kernel), new ReLU(), convLayer(hidden, out, kernel));
    }

    /**
     * A pointwise convolutional network: {@link #conv(int, int)} with 1×1 kernels.
     *
     * @param hidden the hidden channel count
     * @return the constructor
     */
    public static SubnetConstructor conv1x1(int hidden) {
        return conv(hidden, 1);
    }

    private static Layer convLayer(int in, int out, int kernel) {
        return Conv2d.builder(in, out, kernel, kernel).padding(kernel / 2, kernel / 2).build();
    }

    private static int[] positive(String who, int... sizes) {
        for (int s : sizes) {
            Require.positive(s, "Subnets." + who + ": sizes");
        }
        return sizes.clone();
    }
}
