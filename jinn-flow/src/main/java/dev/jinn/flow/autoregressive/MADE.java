package dev.jinn.flow.autoregressive;

import dev.jinn.nn.Layer;
import dev.jinn.nn.Module;
import dev.jinn.nn.ModuleList;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * MADE (Germain et al. 2015): an MLP of {@link MaskedLinear} layers whose masks make output {@code d} a function
 * of the inputs before {@code d} in an {@link InputOrder} only — so the Jacobian of the outputs with respect to
 * the inputs is strictly triangular in that order — and of optional context inputs (conditions), which every
 * hidden unit sees.
 *
 * <p>Degrees: input {@code i} has its 1-based place in the order, {@code m(i) ∈ 1…D}; context inputs degree 0;
 * hidden unit {@code j} of every hidden layer {@code (j mod (D−1)) + 1} (0 when D = 1), or {@code j mod D} with
 * a context, so that even the first dimension's outputs depend on the conditions. A hidden unit sees the
 * units of the layer before whose degree is at most its own; output unit {@code (d, p)} (parameter p of dimension
 * d, column {@code d·k + p}) has degree {@code m(d)} and sees the last hidden units of degree strictly below it.
 * State-dict keys follow the layer sequence, as PyTorch's {@code nn.Sequential}: {@code net.0.weight},
 * {@code net.0.bias}, {@code net.0.mask}, {@code net.2.…} (activations in between).
 */
public final class MADE extends Module {
    private final int dims;
    private final int contextDims;
    private final int paramsPerDim;
    private final ModuleList net;
    private final int[] order;

    /**
     * A MADE.
     *
     * @param dims         D, the number of inputs, at least 1
     * @param contextDims  the number of context inputs (0: unconditional)
     * @param hidden       the widths of the hidden layers (none: a single masked layer)
     * @param paramsPerDim k, the outputs per input dimension, at least 1
     * @param order        the input order
     * @param activation   makes the activation after each hidden layer
     * @param rng          the random source of the initial weights
     * @throws IllegalArgumentException for non-positive sizes
     */
    public MADE(int dims, int contextDims, int[] hidden, int paramsPerDim, InputOrder order,
            Supplier<Layer> activation, Rng rng) {
        if (dims < 1 || contextDims < 0 || paramsPerDim < 1) {
            throw new IllegalArgumentException("MADE: need dims >= 1, context >= 0 and params per dim >= 1, got "
                    + dims + ", " + contextDims + ", " + paramsPerDim);
        }
        for (int h : hidden) {
            if (h < 1) {
                throw new IllegalArgumentException("MADE: hidden widths must be >= 1, got " + Arrays.toString(hidden));
            }
        }
        this.dims = dims;
        this.contextDims = contextDims;
        this.paramsPerDim = paramsPerDim;
        this.order = order.sequence(dims);
        this.net = registerModule("net", new ModuleList());
        int[] inputDegrees = order.degrees(dims);
        int[] previous = new int[dims + contextDims];
        System.arraycopy(inputDegrees, 0, previous, 0, dims); // context inputs keep degree 0
        for (int width : hidden) {
            int[] degrees = new int[width];
            for (int j = 0; j < width; j++) {
                degrees[j] = hiddenDegree(j, dims, contextDims > 0);
            }
            net.add(new MaskedLinear(mask(degrees, previous, false), rng));
            net.add(activation.get());
            previous = degrees;
        }
        int[] outputDegrees = new int[dims * paramsPerDim];
        for (int d = 0; d < dims; d++) {
            Arrays.fill(outputDegrees, d * paramsPerDim, (d + 1) * paramsPerDim, inputDegrees[d]);
        }
        net.add(new MaskedLinear(mask(outputDegrees, previous, true), rng));
    }

    /**
     * The degree of hidden unit j. With a context, degrees cycle through {@code 0 … D−1}: units of degree 0 see
     * only the context, so that the first dimension's parameters depend on the conditions too. Without one,
     * through {@code 1 … D−1} (0 when D = 1: nothing to see).
     */
    private static int hiddenDegree(int j, int dims, boolean context) {
        if (context) {
            return j % dims;
        }
        return dims == 1 ? 0 : j % (dims - 1) + 1;
    }

    /** {@code M[j][i] = 1} when unit j may see unit i: degree at least (hidden) or strictly above (output). */
    private static Tensor mask(int[] to, int[] from, boolean strict) {
        float[] m = new float[to.length * from.length];
        for (int j = 0; j < to.length; j++) {
            for (int i = 0; i < from.length; i++) {
                boolean sees = strict ? to[j] > from[i] : to[j] >= from[i];
                m[j * from.length + i] = sees ? 1f : 0f;
            }
        }
        return Tensors.of(m, to.length, from.length);
    }

    /**
     * The input dimensions in the order they are treated.
     *
     * @return a permutation of {@code 0 … D−1}
     */
    public int[] order() {
        return order.clone();
    }

    /**
     * The outputs for a batch.
     *
     * @param x       the inputs {@code [B, D]}
     * @param context the context {@code [B, contextDims]}, or null when there is none
     * @return {@code [B, D·k]}, column {@code d·k + p} being parameter p of dimension d
     * @throws IllegalArgumentException when the widths do not match
     */
    public Tensor forward(Tensor x, Tensor context) {
        return forward(maskedWeights(), x, context);
    }

    /**
     * The masked weights of every layer, for several passes with the same parameters: the D passes of an
     * autoregressive inverse then multiply each weight by its mask once instead of D times.
     *
     * @return one {@code W ⊙ M} per masked layer, in order
     */
    public List<Tensor> maskedWeights() {
        List<Tensor> weights = new ArrayList<>();
        for (Module m : net.asList()) {
            if (m instanceof MaskedLinear layer) {
                weights.add(layer.maskedWeight());
            }
        }
        return weights;
    }

    /**
     * The outputs for a batch, with masked weights computed before.
     *
     * @param weights {@link #maskedWeights()}, taken since the last parameter update
     * @param x       the inputs {@code [B, D]}
     * @param context the context {@code [B, contextDims]}, or null when there is none
     * @return {@code [B, D·k]}, column {@code d·k + p} being parameter p of dimension d
     * @throws IllegalArgumentException when the widths do not match
     */
    public Tensor forward(List<Tensor> weights, Tensor x, Tensor context) {
        if (x.dim() != 2 || x.size(1) != dims) {
            throw new IllegalArgumentException("MADE: expected inputs [B, " + dims + "], got "
                    + Arrays.toString(x.shape()));
        }
        Tensor h = x;
        if (contextDims > 0) {
            if (context == null || context.dim() != 2 || context.size(1) != contextDims) {
                throw new IllegalArgumentException("MADE: expected a context [B, " + contextDims + "], got "
                        + (context == null ? "none" : Arrays.toString(context.shape())));
            }
            h = Tensor.cat(List.of(x, context), 1);
        }
        int k = 0;
        for (Module m : net.asList()) {
            h = m instanceof MaskedLinear layer ? layer.forward(h, weights.get(k++)) : ((Layer) m).forward(h);
        }
        return h;
    }

    /**
     * The outputs per input dimension, k.
     *
     * @return k
     */
    public int paramsPerDim() {
        return paramsPerDim;
    }
}
