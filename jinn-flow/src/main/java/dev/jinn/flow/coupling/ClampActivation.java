package dev.jinn.flow.coupling;

import dev.jinn.kernel.AffineCouplingKernel;
import dev.jinn.tensor.Tensor;
import java.util.Locale;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * The soft clamp of an affine coupling's log-scale: the block computes {@code s = clamp · f(raw)} from the raw
 * subnet output, so that each dimension is scaled by at most {@code e^{±clamp}} (FrEIA's
 * {@code clamp_activation}). {@code f} must map {@code -∞ → -1} and {@code +∞ → +1}.
 *
 * <ul>
 *   <li>{@link #ATAN} (the default): {@code f(u) = 0.636·atan(u)}. The constant is FrEIA's literal 0.636, not
 *       {@code 2/π = 0.63662…}, so the bound is {@code ±0.999 clamp}; jinn keeps 0.636 so that FrEIA
 *       checkpoints give FrEIA's outputs.</li>
 *   <li>{@link #TANH}: {@code f(u) = tanh(u)}, as in the original RealNVP paper.</li>
 *   <li>{@link #SIGMOID}: {@code f(u) = 2(σ(u) − 0.5)}.</li>
 *   <li>{@link #custom(String, UnaryOperator)}: any differentiable function of tensors.</li>
 * </ul>
 * The raw output is not divided by {@code clamp} first (unlike {@code AllInOneBlock}'s {@code α·tanh(a/α)}).
 */
public final class ClampActivation {
    /** FrEIA's approximation of {@code 2/π}, kept exactly. */
    public static final double ATAN_FACTOR = 0.636;

    /** {@code f(u) = 0.636·atan(u)}. */
    public static final ClampActivation ATAN = new ClampActivation("ATAN", u -> u.atan().mul(ATAN_FACTOR),
            AffineCouplingKernel.Shape.ATAN, 1);
    /** {@code f(u) = tanh(u)}. */
    public static final ClampActivation TANH = new ClampActivation("TANH", Tensor::tanh, AffineCouplingKernel.Shape.TANH,
            1);
    /** {@code f(u) = 2(σ(u) − 0.5)}. */
    public static final ClampActivation SIGMOID = new ClampActivation("SIGMOID",
            u -> u.sigmoid().sub(0.5).mul(2.0), AffineCouplingKernel.Shape.SIGMOID, 1);

    private final String name;
    private final UnaryOperator<Tensor> function;
    /** The same function as the fused kernel's {@code f(u / divisor)}, or null for user functions. */
    private final AffineCouplingKernel.Shape fusedShape;
    private final double divisor;

    private ClampActivation(String name, UnaryOperator<Tensor> function, AffineCouplingKernel.Shape fusedShape,
            double divisor) {
        this.name = name;
        this.function = function;
        this.fusedShape = fusedShape;
        this.divisor = divisor;
    }

    /**
     * {@code f(u) = tanh(u / α)}, {@code AllInOneBlock}'s clamp function.
     *
     * @param alpha the divisor, positive
     * @return the activation
     */
    static ClampActivation scaledTanh(double alpha) {
        return new ClampActivation("tanh(u/" + alpha + ")", u -> u.div(alpha).tanh(), AffineCouplingKernel.Shape.TANH,
                alpha);
    }

    /** The fused kernel's form of this function, {@code f(u / divisor())}, or null for a user function. */
    AffineCouplingKernel.Shape fusedShape() {
        return fusedShape;
    }

    /** What the fused kernel divides the raw values by before {@link #fusedShape()}. */
    double divisor() {
        return divisor;
    }

    /**
     * A user-defined clamp function.
     *
     * @param name     how it is shown in messages and {@link #toString()}
     * @param function maps raw subnet outputs to (-1, 1), elementwise and differentiably
     * @return the activation
     */
    public static ClampActivation custom(String name, UnaryOperator<Tensor> function) {
        Objects.requireNonNull(name, "ClampActivation.custom: name");
        Objects.requireNonNull(function, "ClampActivation.custom: function");
        return new ClampActivation(name, function, null, 1);
    }

    /**
     * One of FrEIA's named activations, by its string ({@code "ATAN"}, {@code "TANH"}, {@code "SIGMOID"};
     * case-insensitive).
     *
     * @param name the name
     * @return the activation
     * @throws IllegalArgumentException for any other name
     */
    public static ClampActivation of(String name) {
        switch (name == null ? "" : name.toUpperCase(Locale.ROOT)) {
            case "ATAN":
                return ATAN;
            case "TANH":
                return TANH;
            case "SIGMOID":
                return SIGMOID;
            default:
                throw new IllegalArgumentException("Unknown clamp activation \"" + name
                        + "\": expected ATAN, TANH or SIGMOID (or ClampActivation.custom(...))");
        }
    }

    /**
     * Applies {@code f} elementwise.
     *
     * @param raw the raw subnet output
     * @return {@code f(raw)}, same shape
     */
    public Tensor apply(Tensor raw) {
        return function.apply(raw);
    }

    /**
     * The activation's name.
     *
     * @return e.g. {@code ATAN}
     */
    public String name() {
        return name;
    }

    @Override
    public String toString() {
        return name;
    }
}
