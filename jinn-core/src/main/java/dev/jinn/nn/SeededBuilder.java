package dev.jinn.nn;

import dev.jinn.check.Require;
import dev.jinn.tensor.Rng;

/**
 * What every builder of a module that draws random numbers shares: the generator it draws them from (initial
 * weights, permutations, start vectors, probes). Left unset, each module built takes a fresh generator from
 * {@link Init#defaultRng()}, as PyTorch's modules draw from the global generator; set, the module is reproducible
 * on its own, whatever else the process builds.
 *
 * @param <B> the concrete builder, which the setter returns
 */
public abstract class SeededBuilder<B extends SeededBuilder<B>> {
    private Rng rng;

    /** For the builders that extend this one. */
    protected SeededBuilder() {
    }

    /**
     * Draws from this generator (default: a fresh one from {@link Init#defaultRng()} for each module built).
     *
     * @param generator the generator, not null
     * @return this builder
     */
    @SuppressWarnings("unchecked") // B is the class of this object by the bound every subclass declares
    public final B rng(Rng generator) {
        this.rng = Require.nonNull(generator, "rng");
        return (B) this;
    }

    /**
     * The generator a module built now draws from: the one given to {@link #rng(Rng)}, or else a new one from
     * {@link Init#defaultRng()} (each such call takes another).
     *
     * @return the generator
     */
    public final Rng generatorOrDefault() {
        return rng != null ? rng : Init.defaultRng();
    }
}
