package dev.jinn.flow.autoregressive;

import dev.jinn.flow.FlowResult;
import dev.jinn.flow.InvertibleModule;
import dev.jinn.flow.Shape;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.util.List;

/**
 * An autoregressive transform of vectors: {@code u_d = g(v_d; θ_d(v_{<d}, c))}, {@code θ} computed by a
 * {@link MADE} (registered as {@code made}) in an {@link InputOrder}, {@code g} an invertible elementwise map
 * (affine or a spline). Because {@code θ_d} sees only the dimensions before d, the Jacobian is triangular and
 * the log-det is the sum of the elementwise log-derivatives, {@code Σ_d ln g'(v_d)}.
 *
 * <p>The map from v to u takes one MADE pass; its inverse takes D passes, each fixing one more dimension in the
 * order (the last pass sees every dimension before each one fixed, so its output and log-det are exact). MAF and the
 * spline variant run the one-pass direction forward (density evaluation, data → latent); IAF runs it in reverse
 * (sampling, latent → data). Conditions are vectors, concatenated into MADE's context.
 */
public abstract class AutoregressiveTransform extends InvertibleModule {
    private final MADE made;
    private final ElementwiseMap map;
    private final boolean onePassForward;
    private final int dims;

    AutoregressiveTransform(List<Shape> dimsIn, List<Shape> dimsC, MADEFactory made, ElementwiseMap map,
            boolean onePassForward) {
        super(dimsIn, dimsC);
        String name = getClass().getSimpleName();
        if (dimsIn.size() != 1 || dimsIn.get(0).rank() != 1) {
            throw new IllegalArgumentException(name + ": takes one vector input (D,), got " + dimsIn
                    + " (flatten images first)");
        }
        int context = 0;
        for (int i = 0; i < dimsC.size(); i++) {
            if (dimsC.get(i).rank() != 1) {
                throw new IllegalArgumentException(name + ": condition " + i + " must be a vector (k,), got "
                        + dimsC.get(i));
            }
            context += dimsC.get(i).numel();
        }
        this.dims = dimsIn.get(0).numel();
        this.map = map;
        this.onePassForward = onePassForward;
        this.made = registerModule("made", made.build(dims, context, map.parametersPerValue()));
    }

    /** Makes the MADE of a transform once its sizes are known. */
    @FunctionalInterface
    interface MADEFactory {
        MADE build(int dims, int contextDims, int paramsPerDim);
    }

    /**
     * The masked network that computes the map's parameters.
     *
     * @return the MADE
     */
    public MADE made() {
        return made;
    }

    @Override
    public FlowResult forward(List<Tensor> x, List<Tensor> c, boolean reverse, boolean computeLogDet) {
        Tensor context = c.isEmpty() ? null : c.size() == 1 ? c.get(0) : Tensor.cat(c, 1);
        return reverse == onePassForward ? solve(x.get(0), context) : onePass(x.get(0), context);
    }

    /** {@code u = g(v; θ(v))} in one MADE pass; log-det of v → u. */
    private FlowResult onePass(Tensor v, Tensor context) {
        return map.apply(v, made.forward(v, context), false);
    }

    /**
     * v from u in D MADE passes, each inverting the map for every dimension with the parameters of the previous
     * estimate: after pass k the first k + 1 dimensions of the order are exact (each sees only exact ones), so the
     * last pass is exact everywhere, log-det included. The order itself is never consulted, so the inverse stays
     * exact for masks loaded from a state dict of another order.
     */
    private FlowResult solve(Tensor u, Tensor context) {
        List<Tensor> weights = made.maskedWeights(); // masked once for all D passes
        Tensor v = Tensors.zeros(u.dtype(), u.shape());
        FlowResult pass = null;
        for (int k = 0; k < dims; k++) {
            pass = map.apply(u, made.forward(weights, v, context), true);
            v = pass.output();
        }
        return pass;
    }

    @Override
    public List<Shape> outputDims(List<Shape> inputDims) {
        return inputDims;
    }

    @Override
    public String describe() {
        return getClass().getSimpleName() + "[(" + dims + ",), " + map.describe() + "]";
    }

    /** Makes one of the concrete transforms from its builder's parts. */
    @FunctionalInterface
    interface Constructor {
        AutoregressiveTransform create(List<Shape> dimsIn, List<Shape> dimsC, MADEFactory made, ElementwiseMap map);
    }
}
