package dev.jinn.train;

import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.TensorScope;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Where a training run stands, apart from the model and the optimizer: the steps done, the loss history, the
 * best validation so far (value, step, the weights of that step when they are kept, validations since), and
 * the generator that draws the batches. It is what a {@link Checkpoint} stores next to the model's and the
 * optimizer's state dicts, so a resumed run continues bit-identically; a {@link Trainer} updates it step by step.
 */
public final class RunState {
    private long step;
    private double bestValidationLoss;
    private long bestStep;
    private int badValidations;
    private Map<String, Tensor> bestWeights;
    private final Rng rng;
    private final List<LossRecord> history;

    RunState(long step, double bestValidationLoss, long bestStep, int badValidations, Map<String, Tensor> bestWeights,
            Rng rng, List<LossRecord> history) {
        this.step = step;
        this.bestValidationLoss = bestValidationLoss;
        this.bestStep = bestStep;
        this.badValidations = badValidations;
        this.bestWeights = ordered(bestWeights);
        this.rng = rng;
        this.history = new ArrayList<>(history);
    }

    /**
     * The state of a run that has not taken a step.
     *
     * @param seed the seed of the batch generator
     * @return the fresh state
     */
    public static RunState start(long seed) {
        return new RunState(0, Double.NaN, -1, 0, Map.of(), new Rng(seed), List.of());
    }

    /**
     * An independent copy (the generator's position included), e.g. to store in a checkpoint while the run goes
     * on. The best weights are shared: they are replaced, never changed in place.
     *
     * @return the copy
     */
    public RunState copy() {
        return new RunState(step, bestValidationLoss, bestStep, badValidations, bestWeights,
                Rng.fromState(rng.state()), history);
    }

    /**
     * The number of optimisation steps done.
     *
     * @return the step count
     */
    public long step() {
        return step;
    }

    /**
     * The lowest validation loss so far.
     *
     * @return nats per sample, or NaN before the first validation
     */
    public double bestValidationLoss() {
        return bestValidationLoss;
    }

    /**
     * The step of the lowest validation loss.
     *
     * @return the step, or -1
     */
    public long bestStep() {
        return bestStep;
    }

    /**
     * The number of validations since the last improvement (for early stopping).
     *
     * @return the count
     */
    public int badValidations() {
        return badValidations;
    }

    /**
     * The weights of the best validation, when the run keeps them.
     *
     * @return key → tensor; empty before the first validation or when best weights are not restored
     */
    public Map<String, Tensor> bestWeights() {
        return bestWeights;
    }

    /**
     * The generator that draws the batches (the run advances it).
     *
     * @return the generator
     */
    public Rng rng() {
        return rng;
    }

    /**
     * Every step's losses so far.
     *
     * @return one record per step, oldest first (read-only)
     */
    public List<LossRecord> history() {
        return Collections.unmodifiableList(history);
    }

    /**
     * The mean training loss of the last steps.
     *
     * @param window the number of steps to average at most
     * @return the mean, or NaN before the first step
     */
    public double recentLoss(int window) {
        int n = Math.min(window, history.size());
        double sum = 0;
        for (int i = history.size() - n; i < history.size(); i++) {
            sum += history.get(i).loss();
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    /** Counts a finished optimisation step; its validation and losses are recorded next. */
    void countStep() {
        step++;
    }

    /** Appends the current step's training loss and validation loss (NaN if none) to the history. */
    void recordLosses(double loss, double validationLoss) {
        history.add(new LossRecord(step, loss, validationLoss));
    }

    /**
     * Takes a validation loss measured after the current step.
     *
     * @param loss    the validation loss
     * @param weights gives the weights to keep if it is a new best (asked only then; null from it: keep none)
     * @return true if it is a new best
     */
    boolean recordValidation(double loss, Supplier<Map<String, Tensor>> weights) {
        if (Double.isFinite(loss) && (Double.isNaN(bestValidationLoss) || loss < bestValidationLoss)) {
            bestValidationLoss = loss;
            bestStep = step;
            badValidations = 0;
            Map<String, Tensor> kept = weights.get();
            if (kept != null) {
                kept.values().forEach(TensorScope::persist); // outlives the step's storage-reuse scope
                bestWeights = ordered(kept);
            }
            return true;
        }
        badValidations++;
        return false;
    }

    /** A read-only copy that keeps the state dict's key order. */
    private static Map<String, Tensor> ordered(Map<String, Tensor> weights) {
        return Collections.unmodifiableMap(new LinkedHashMap<>(weights));
    }
}
