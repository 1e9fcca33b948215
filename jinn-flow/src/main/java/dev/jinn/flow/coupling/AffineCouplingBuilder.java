package dev.jinn.flow.coupling;

import dev.jinn.check.Require;
import java.util.Objects;

/**
 * The settings of the affine coupling blocks: those of {@link CouplingBlockBuilder} plus the soft clamp of the
 * log-scale, {@code s = clamp · f(raw)} (FrEIA's {@code clamp=2.0}, {@code clamp_activation="ATAN"}).
 *
 * @param <B> the concrete builder, returned by every setter
 */
public abstract class AffineCouplingBuilder<B extends AffineCouplingBuilder<B>> extends CouplingBlockBuilder<B> {
    private double clamp = 2.0;
    private ClampActivation clampActivation = ClampActivation.ATAN;

    /** A builder with FrEIA's defaults: clamp 2, ATAN, split 0.5. */
    protected AffineCouplingBuilder() {
    }

    /**
     * The clamp factor: each dimension is scaled by at most {@code e^{±clamp}} (default 2).
     *
     * @param value finite
     * @return this builder
     * @throws IllegalArgumentException when not finite
     */
    public B clamp(double value) {
        this.clamp = Require.finite(value, "clamp");
        return self();
    }

    /**
     * The clamp function (default {@link ClampActivation#ATAN}).
     *
     * @param activation the function
     * @return this builder
     */
    public B clampActivation(ClampActivation activation) {
        this.clampActivation = Objects.requireNonNull(activation, "clamp activation");
        return self();
    }

    /**
     * The clamp function by FrEIA's name.
     *
     * @param name {@code "ATAN"}, {@code "TANH"} or {@code "SIGMOID"}
     * @return this builder
     * @throws IllegalArgumentException for another name
     */
    public B clampActivation(String name) {
        return clampActivation(ClampActivation.of(name));
    }

    /**
     * The clamp factor set so far.
     *
     * @return the clamp
     */
    protected final double clampValue() {
        return clamp;
    }

    /**
     * The clamp function set so far.
     *
     * @return the function
     */
    protected final ClampActivation clampFunction() {
        return clampActivation;
    }
}
