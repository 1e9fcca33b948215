package dev.jinn.nn;

import dev.jinn.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * A chain of layers applied in order, as PyTorch's {@code nn.Sequential}: {@code y = fₙ(…f₁(f₀(x)))}. The
 * children are named {@code "0"}, {@code "1"}, ... so the state-dict keys match PyTorch's
 * ({@code 0.weight}, {@code 2.bias}, ...). An empty chain is the identity.
 */
public final class Sequential extends Layer {
    private final List<Layer> layers = new ArrayList<>();

    /**
     * A chain of the given layers.
     *
     * @param layers the layers, applied first to last
     */
    public Sequential(Layer... layers) {
        for (Layer layer : layers) {
            add(layer);
        }
    }

    /**
     * Appends a layer, named by its position.
     *
     * @param layer the layer
     * @return this chain
     */
    public Sequential add(Layer layer) {
        if (layer == null) {
            throw new IllegalArgumentException("Sequential.add: layer " + layers.size() + " is null");
        }
        registerModule(Integer.toString(layers.size()), layer);
        layers.add(layer);
        return this;
    }

    /**
     * The layer at a position.
     *
     * @param index 0-based; negative counts from the end as in Python
     * @return the layer
     */
    public Layer get(int index) {
        int i = index < 0 ? index + layers.size() : index;
        if (i < 0 || i >= layers.size()) {
            throw new IndexOutOfBoundsException("Sequential.get: index " + index + " out of range for "
                    + layers.size() + " layers");
        }
        return layers.get(i);
    }

    /**
     * The number of layers.
     *
     * @return the length of the chain
     */
    public int size() {
        return layers.size();
    }

    /**
     * Applies the layers in order.
     *
     * @param x the input of the first layer
     * @return the output of the last layer
     */
    @Override
    public Tensor forward(Tensor x) {
        Tensor y = x;
        for (int i = 0; i < layers.size(); i++) {
            Tensor fused = i + 2 < layers.size() && layers.get(i + 1) instanceof ReLU
                    ? throughRelu(layers.get(i), layers.get(i + 2), y) : null;
            if (fused != null) {
                y = fused;
                i += 2;
            } else {
                y = layers.get(i).forward(y);
            }
        }
        return y;
    }

    /**
     * {@code second(relu(first(x)))} as one fused op when the two layers are both Linear or both Conv2d (the same
     * function without the hidden-size intermediate tensors), else null.
     */
    private static Tensor throughRelu(Layer first, Layer second, Tensor x) {
        if (first instanceof Linear a && second instanceof Linear b) {
            return Linear.throughRelu(a, b, x);
        }
        if (first instanceof Conv2d a && second instanceof Conv2d b) {
            return Conv2d.throughRelu(a, b, x);
        }
        return null;
    }
}
