package dev.jinn.flow.residual;

/**
 * How a {@link SpectralNorm} layer keeps its operator norm at most the coefficient {@code c}.
 */
public enum Normalisation {
    /**
     * The layer applies {@code W / max(1, σ̂/c)} on every call, where {@code σ̂} is the power-iteration estimate
     * of {@code ‖W‖₂} from the stored vectors (Behrmann et al. 2019, Chen et al. 2019). The estimate advances by
     * the configured number of power steps in every training-mode forward call; {@code lipschitzCorrection()}
     * runs it to convergence. The vectors are persistent buffers, so a state dict reproduces the outputs.
     */
    SOFT,

    /**
     * FrEIA's {@code IResNetLayer}: the layer applies its raw weight; {@code lipschitzCorrection()} estimates
     * {@code ‖W‖₂} and rescales the weight in place by {@code c/σ̂} when {@code σ̂ > c}. The caller must call it
     * (typically after every optimizer step). The vectors are non-persistent buffers, so the state dict has
     * exactly FrEIA's keys.
     */
    EXPLICIT
}
