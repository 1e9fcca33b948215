package dev.jinn.flow.linear;

import dev.jinn.flow.FlowResult;
import dev.jinn.flow.InvertibleModule;
import dev.jinn.flow.ModuleSpec;
import dev.jinn.flow.Shape;
import dev.jinn.nn.SeededBuilder;
import dev.jinn.tensor.DType;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.util.List;

/**
 * A product of Householder reflections as a learned or conditional rotation of vectors (FrEIA's
 * {@code HouseholderPerm}, after Mathiesen et al. 2020).
 *
 * <p>{@code W = H(v_1)·H(v_2)·…·H(v_n)} with {@code H(v) = I − 2·v·vᵀ / (vᵀv)}; forward {@code y = x·W}, reverse
 * {@code x = y·Wᵀ} (W is orthogonal, so this is exact); log-det 0 (|det W| = 1).
 *
 * <p>Where the reflection vectors come from:
 * <ul>
 *   <li>learned (default): parameter {@code Vs} of shape {@code (n, C)}, row k = {@code v_k}, initialised to the
 *       first n columns of the identity plus 0.1·N(0, 1) noise, transposed;</li>
 *   <li>fixed: {@code Vs} ~ N(0, 1) and the product W are computed once and kept as persistent buffers
 *       ({@code Vs}, and W under both names FrEIA's state dict has, {@code W} and {@code weight});</li>
 *   <li>conditional: one condition with {@code C·n} elements per sample, read as a {@code (C, n)} matrix whose
 *       column k is {@code v_k} (so each sample has its own rotation); the module then has no parameters, and
 *       gradients flow into the condition.</li>
 * </ul>
 * The reflections are applied to x one at a time ({@code x ← x − 2(x·v)v/(vᵀv)}) without forming W. That holds
 * in the fixed case too: the stored W (rounded to float32 when created, like FrEIA's) is orthogonal only to
 * float32 precision, while the reflections are exactly orthogonal in any dtype; {@code W}/{@code weight} are kept
 * so that FrEIA state dicts load. FrEIA requires {@code n ≥ 2} because of its blocked product; here
 * {@code n ≥ 1}.
 */
public final class HouseholderPerm extends InvertibleModule {
    private final int width;
    private final int reflections;
    private final boolean fixed;

    /**
     * Builds the module.
     *
     * @param dimsIn      one vector shape {@code (C,)}
     * @param dimsC       empty, or one condition with {@code C·n} elements
     * @param reflections the number n of reflections (at least 1)
     * @param fixed       whether the reflections are random and fixed (not allowed with a condition)
     * @param rng         the generator for the initial vectors
     * @throws IllegalArgumentException for a non-vector input, a condition of the wrong size, several
     *                                  conditions, fixed with a condition, or {@code n < 1}
     */
    public HouseholderPerm(List<Shape> dimsIn, List<Shape> dimsC, int reflections, boolean fixed, Rng rng) {
        super(dimsIn, dimsC);
        String who = getClass().getSimpleName();
        if (dimsIn.size() != 1 || dimsIn.get(0).rank() != 1) {
            throw new IllegalArgumentException(who + " takes one vector input (C,), got " + dimsIn);
        }
        if (reflections < 1) {
            throw new IllegalArgumentException(who + ": need at least one reflection, got " + reflections);
        }
        this.width = dimsIn.get(0).channels();
        this.reflections = reflections;
        this.fixed = fixed;
        if (!dimsC.isEmpty()) {
            if (dimsC.size() != 1) {
                throw new IllegalArgumentException(who + ": at most one condition (the reflection vectors), got "
                        + dimsC);
            }
            if (fixed) {
                throw new IllegalArgumentException(who + ": the reflections cannot be both fixed and conditional");
            }
            if (dimsC.get(0).numel() != width * reflections) {
                throw new IllegalArgumentException(who + ": the condition must hold C·n = " + width + "·" + reflections
                        + " = " + width * reflections + " values per sample, got shape " + dimsC.get(0));
            }
            return;
        }
        if (fixed) {
            Tensor vs = Tensors.randn(rng, DType.FLOAT64, width, reflections).t().contiguous();
            Tensor w = reflect(Tensors.eye(DType.FLOAT64, width), vs, false).to(DType.FLOAT32);
            registerBuffer("Vs", vs.to(DType.FLOAT32), true);
            registerBuffer("W", w, true);
            registerBuffer("weight", w, true);
        } else {
            Tensor init = Tensors.eye(DType.FLOAT64, width).narrow(1, 0, Math.min(width, reflections));
            if (reflections > width) {
                init = Tensor.cat(List.of(init, Tensors.zeros(DType.FLOAT64, width, reflections - width)), 1);
            }
            init = init.add(Tensors.randn(rng, DType.FLOAT64, width, reflections).mul(0.1));
            registerParameter("Vs", init.t().contiguous().to(DType.FLOAT32));
        }
    }

    /**
     * A builder with FrEIA's defaults (one reflection, learned); it is the {@link ModuleSpec} to append.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Applies {@code H(v_1)…H(v_n)} (or, in reverse, {@code H(v_n)…H(v_1)}) to the rows of x from the right.
     *
     * @param x       {@code [B, C]}
     * @param vs      {@code [n, C]} shared, or {@code [B, n, C]} per sample
     * @param reverse whether to apply the transpose of the product
     * @return {@code x·W} or {@code x·Wᵀ}
     */
    private static Tensor reflect(Tensor x, Tensor vs, boolean reverse) {
        boolean perSample = vs.dim() == 3;
        int n = vs.size(perSample ? 1 : 0);
        Tensor out = x;
        for (int step = 0; step < n; step++) {
            int k = reverse ? n - 1 - step : step;
            Tensor v = vs.select(perSample ? 1 : 0, k);
            // x·H(v) = x − 2·(x·v)/(v·v)·vᵀ, for each row of x.
            if (perSample) {
                Tensor coefficient = out.mul(v).sum(new int[] {1}, true).div(v.square().sum(new int[] {1}, true));
                out = out.sub(coefficient.mul(v).mul(2));
            } else {
                Tensor coefficient = out.matmul(v.unsqueeze(1)).div(v.square().sum());
                out = out.sub(coefficient.mul(v.unsqueeze(0)).mul(2));
            }
        }
        return out;
    }

    /**
     * Whether the reflections are fixed.
     *
     * @return true for a fixed random rotation
     */
    public boolean isFixed() {
        return fixed;
    }

    /**
     * The number of reflections.
     *
     * @return n
     */
    public int reflections() {
        return reflections;
    }

    @Override
    public FlowResult forward(List<Tensor> x, List<Tensor> c, boolean reverse, boolean computeLogDet) {
        Tensor in = x.get(0);
        Tensor out;
        if (!c.isEmpty()) {
            Tensor vs = c.get(0).reshape(in.size(0), width, reflections).transpose(1, 2);
            out = reflect(in, vs, reverse);
        } else if (fixed) {
            out = reflect(in, buffer("Vs"), reverse);
        } else {
            out = reflect(in, parameter("Vs"), reverse);
        }
        return FlowResult.of(out, Tensors.zeros(in.dtype(), in.size(0)));
    }

    /**
     * The output shape equals the input shape.
     *
     * @param inputDims one shape
     * @return the same shapes
     */
    @Override
    public List<Shape> outputDims(List<Shape> inputDims) {
        return inputDims;
    }

    /** Builds {@link HouseholderPerm}s; the generator ({@link SeededBuilder#rng}) draws the initial vectors. */
    public static final class Builder extends SeededBuilder<Builder> implements ModuleSpec {
        private int reflections = 1;
        private boolean fixed;

        private Builder() {
        }

        /**
         * The number of reflections n (default 1).
         *
         * @param n at least 1
         * @return this builder
         */
        public Builder nReflections(int n) {
            this.reflections = n;
            return this;
        }

        /**
         * Random fixed reflections instead of learned ones (default false).
         *
         * @param value whether fixed
         * @return this builder
         */
        public Builder fixed(boolean value) {
            this.fixed = value;
            return this;
        }


        /**
         * Builds a module for the given shapes.
         *
         * @param dimsIn one vector shape
         * @param dimsC  empty, or one condition with {@code C·n} elements
         * @return the module
         */
        @Override
        public HouseholderPerm build(List<Shape> dimsIn, List<Shape> dimsC) {
            return new HouseholderPerm(dimsIn, dimsC, reflections, fixed, generatorOrDefault());
        }
    }
}
