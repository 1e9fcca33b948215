package dev.jinn.nn;

import dev.jinn.tensor.DType;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;

/**
 * Inverted dropout, as PyTorch's {@code nn.Dropout}: in training mode each element is zeroed independently with
 * probability {@code p} and the survivors are scaled by {@code 1/(1-p)}, so {@code E[y] = x}; in evaluation
 * mode the layer is the identity. PyTorch's default is {@code p = 0.5}; {@code p = 1} zeroes everything.
 *
 * <p>The masks come from the layer's own generator (given, or split from {@link Init#defaultRng()} when the
 * layer is built), drawn element by element in row-major order: the same seed gives the same masks. The
 * generator is not part of the state dict.
 */
public final class Dropout extends Layer {
    private final double p;
    private final Rng rng;

    /** Dropout with PyTorch's default {@code p = 0.5}, masks drawn from {@link Init#defaultRng()}. */
    public Dropout() {
        this(0.5);
    }

    /**
     * Dropout with masks drawn from {@link Init#defaultRng()}.
     *
     * @param p the probability of zeroing an element, in {@code [0, 1]}
     */
    public Dropout(double p) {
        this(p, Init.defaultRng());
    }

    /**
     * Dropout with masks drawn from {@code rng}.
     *
     * @param p   the probability of zeroing an element, in {@code [0, 1]}
     * @param rng the random source of the masks (used by this layer only from now on)
     */
    public Dropout(double p, Rng rng) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("Dropout: probability has to be between 0 and 1, but got " + p);
        }
        if (rng == null) {
            throw new IllegalArgumentException("Dropout: rng is null");
        }
        this.p = p;
        this.rng = rng;
    }

    /**
     * The drop probability.
     *
     * @return {@code p}
     */
    public double p() {
        return p;
    }

    /**
     * Applies dropout in training mode; returns {@code x} itself in evaluation mode or when {@code p = 0}.
     *
     * @param x a floating-point input of any shape
     * @return {@code x · mask / (1 - p)} with {@code mask ~ Bernoulli(1 - p)} per element
     */
    @Override
    public Tensor forward(Tensor x) {
        if (!x.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException("Dropout(p=" + Repr.pyFloat(p) + "): expected a floating-point input, got "
                    + x.dtype());
        }
        if (!isTraining() || p == 0) {
            return x;
        }
        if (p == 1) {
            return x.mul(0.0);
        }
        int n = x.numel();
        double scale = 1.0 / (1.0 - p);
        Tensor mask;
        synchronized (rng) {
            if (x.dtype() == DType.FLOAT32) {
                float[] m = new float[n];
                float s = (float) scale;
                for (int i = 0; i < n; i++) {
                    m[i] = rng.nextDouble() < p ? 0f : s;
                }
                mask = Tensors.of(m);
            } else {
                double[] m = new double[n];
                for (int i = 0; i < n; i++) {
                    m[i] = rng.nextDouble() < p ? 0.0 : scale;
                }
                mask = Tensors.of(m);
            }
        }
        return x.mul(mask.reshape(x.shape()));
    }

    @Override
    protected String extraRepr() {
        return "p=" + Repr.pyFloat(p);
    }
}
