package dev.jinn.optim;

import dev.jinn.check.Require;
import dev.jinn.io.StateDictException;
import dev.jinn.tensor.DType;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Lowers the learning rates when a metric stops improving, as PyTorch's {@code ReduceLROnPlateau}. Each
 * {@link #step(double)} (once per epoch, with e.g. the validation loss) does:
 *
 * <pre>
 * if better(metric, best): best = metric; bad = 0   else bad = bad + 1
 * if cooldown_counter &gt; 0: cooldown_counter −= 1; bad = 0
 * if bad &gt; patience:
 *     for each group: new = max(lr · factor, min_lr); if lr − new &gt; eps: lr = new
 *     cooldown_counter = cooldown; bad = 0
 * </pre>
 *
 * where {@code better} is, for mode min / max and threshold mode rel:
 * {@code metric < best · (1 − threshold)} / {@code metric > best · (1 + threshold)}; for threshold mode abs:
 * {@code metric < best − threshold} / {@code metric > best + threshold}. {@code best} starts at +∞ (min) or −∞
 * (max); a NaN metric is never better.
 *
 * <p>Defaults as in PyTorch: mode min, {@code factor = 0.1}, {@code patience = 10}, {@code threshold = 1e-4},
 * threshold mode rel, {@code cooldown = 0}, {@code minLr = 0}, {@code eps = 1e-8}. The state dict holds
 * {@code best}, {@code num_bad_epochs}, {@code cooldown_counter} and {@code last_epoch} (0-dim float64).
 */
public final class ReduceLROnPlateau {
    /** Whether lower or higher metrics are better. */
    public enum Mode {
        /** Lower is better (losses). */
        MIN,
        /** Higher is better (accuracies). */
        MAX
    }

    /** How the improvement threshold is measured. */
    public enum ThresholdMode {
        /** Relative to the best value so far. */
        REL,
        /** In the metric's units. */
        ABS
    }

    private static final String[] KEYS = {"best", "num_bad_epochs", "cooldown_counter", "last_epoch"};

    private final Optimizer<?> optimizer;
    private final Mode mode;
    private final double factor;
    private final int patience;
    private final double threshold;
    private final ThresholdMode thresholdMode;
    private final int cooldown;
    private final double[] minLrs;
    private final double eps;

    private double best;
    private int numBadEpochs;
    private int cooldownCounter;
    private int lastEpoch;
    private double[] lastLr;

    /**
     * A plateau schedule with PyTorch's defaults.
     *
     * @param optimizer the optimizer
     */
    public ReduceLROnPlateau(Optimizer<?> optimizer) {
        this(optimizer, builder());
    }

    private ReduceLROnPlateau(Optimizer<?> optimizer, Builder b) {
        if (optimizer == null) {
            throw new IllegalArgumentException("ReduceLROnPlateau: the optimizer is null");
        }
        int n = optimizer.paramGroups().size();
        if (b.minLrs.length != 1 && b.minLrs.length != n) {
            throw new IllegalArgumentException("ReduceLROnPlateau: expected 1 or " + n + " minimum learning rates, got "
                    + b.minLrs.length);
        }
        this.optimizer = optimizer;
        this.mode = b.mode;
        this.factor = b.factor;
        this.patience = b.patience;
        this.threshold = b.threshold;
        this.thresholdMode = b.thresholdMode;
        this.cooldown = b.cooldown;
        this.minLrs = new double[n];
        for (int g = 0; g < n; g++) {
            minLrs[g] = b.minLrs.length == 1 ? b.minLrs[0] : b.minLrs[g];
        }
        this.eps = b.eps;
        this.best = worst();
        this.lastLr = currentLrs();
    }

    /**
     * A builder starting from PyTorch's defaults.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    private double worst() {
        return mode == Mode.MIN ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
    }

    private double[] currentLrs() {
        double[] lr = new double[optimizer.paramGroups().size()];
        for (int g = 0; g < lr.length; g++) {
            lr[g] = optimizer.lr(g);
        }
        return lr;
    }

    /**
     * Whether {@code metric} improves on the best value so far by more than the threshold.
     *
     * @param metric the metric
     * @return true when better
     */
    public boolean isBetter(double metric) {
        if (mode == Mode.MIN) {
            return thresholdMode == ThresholdMode.REL ? metric < best * (1 - threshold) : metric < best - threshold;
        }
        return thresholdMode == ThresholdMode.REL ? metric > best * (threshold + 1) : metric > best + threshold;
    }

    /**
     * Records one epoch's metric and lowers the learning rates after more than {@code patience} epochs without
     * improvement (outside the cooldown).
     *
     * @param metric the monitored value, e.g. the validation loss
     */
    public void step(double metric) {
        if (lastEpoch == Integer.MAX_VALUE) {
            throw new IllegalStateException("ReduceLROnPlateau: the epoch counter overflows");
        }
        lastEpoch++;
        if (isBetter(metric)) {
            best = metric;
            numBadEpochs = 0;
        } else {
            numBadEpochs++;
        }
        if (cooldownCounter > 0) {
            cooldownCounter--;
            numBadEpochs = 0;
        }
        if (numBadEpochs > patience) {
            for (int g = 0; g < minLrs.length; g++) {
                double old = optimizer.lr(g);
                double lr = Math.max(old * factor, minLrs[g]);
                if (old - lr > eps) {
                    optimizer.setLr(g, lr);
                }
            }
            cooldownCounter = cooldown;
            numBadEpochs = 0;
        }
        lastLr = currentLrs();
    }

    /**
     * The learning rates after the last step, one per group.
     *
     * @return a copy
     */
    public double[] lastLr() {
        return lastLr.clone();
    }

    /**
     * The best metric seen so far (±∞ before any).
     *
     * @return the best value
     */
    public double best() {
        return best;
    }

    /**
     * The number of consecutive epochs without improvement counted so far.
     *
     * @return the count
     */
    public int numBadEpochs() {
        return numBadEpochs;
    }

    /**
     * The epochs left in the current cooldown.
     *
     * @return the count, 0 outside a cooldown
     */
    public int cooldownCounter() {
        return cooldownCounter;
    }

    /**
     * The number of {@link #step(double)} calls.
     *
     * @return the epoch
     */
    public int lastEpoch() {
        return lastEpoch;
    }

    /**
     * The counters as 0-dim float64 tensors: {@code best}, {@code num_bad_epochs}, {@code cooldown_counter},
     * {@code last_epoch}.
     *
     * @return key → tensor
     */
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        double[] values = {best, numBadEpochs, cooldownCounter, lastEpoch};
        for (int i = 0; i < KEYS.length; i++) {
            out.put(KEYS[i], Tensors.scalar(values[i], DType.FLOAT64));
        }
        return out;
    }

    /**
     * Restores the counters; the optimizer's learning rates come back with its own state dict and are only read
     * here (for {@link #lastLr()}). Nothing changes on error.
     *
     * @param dict the saved state
     * @throws StateDictException when keys are missing or unexpected, or values are not 0-dim or out of range
     */
    public void loadStateDict(Map<String, Tensor> dict) {
        List<String> missing = new ArrayList<>();
        List<String> unexpected = new ArrayList<>();
        List<String> mismatched = new ArrayList<>();
        double[] values = new double[KEYS.length];
        for (int i = 0; i < KEYS.length; i++) {
            Tensor t = dict.get(KEYS[i]);
            if (t == null) {
                missing.add(KEYS[i]);
            } else if (t.dim() != 0) {
                mismatched.add(KEYS[i] + ": expected a 0-dim tensor, got shape " + Arrays.toString(t.shape()));
            } else {
                values[i] = t.item();
                boolean ok = i == 0 ? !Double.isNaN(values[i])
                        : values[i] >= 0 && values[i] <= Integer.MAX_VALUE && values[i] == Math.rint(values[i]);
                if (!ok) {
                    mismatched.add(KEYS[i] + ": invalid value " + values[i]);
                }
            }
        }
        for (String key : dict.keySet()) {
            if (!Arrays.asList(KEYS).contains(key)) {
                unexpected.add(key);
            }
        }
        if (!missing.isEmpty() || !unexpected.isEmpty() || !mismatched.isEmpty()) {
            throw new StateDictException("ReduceLROnPlateau", missing, unexpected, mismatched);
        }
        best = values[0];
        numBadEpochs = (int) values[1];
        cooldownCounter = (int) values[2];
        lastEpoch = (int) values[3];
        lastLr = currentLrs();
    }

    @Override
    public String toString() {
        return "ReduceLROnPlateau(mode=" + mode + ", factor=" + factor + ", patience=" + patience + ", best=" + best
                + ", num_bad_epochs=" + numBadEpochs + ", cooldown_counter=" + cooldownCounter + ")";
    }

    /** The options of {@link ReduceLROnPlateau}, starting from PyTorch's defaults. */
    public static final class Builder {
        private Mode mode = Mode.MIN;
        private double factor = 0.1;
        private int patience = 10;
        private double threshold = 1e-4;
        private ThresholdMode thresholdMode = ThresholdMode.REL;
        private int cooldown = 0;
        private double[] minLrs = {0.0};
        private double eps = 1e-8;

        private Builder() {
        }

        /**
         * Sets whether lower (default) or higher metrics are better.
         *
         * @param mode the mode
         * @return this builder
         */
        public Builder mode(Mode mode) {
            if (mode == null) {
                throw new IllegalArgumentException("ReduceLROnPlateau: mode is null");
            }
            this.mode = mode;
            return this;
        }

        /**
         * Sets the factor applied to the learning rates on a plateau (default 0.1).
         *
         * @param factor the factor, in [0, 1)
         * @return this builder
         */
        public Builder factor(double factor) {
            if (!(factor >= 0 && factor < 1)) {
                throw new IllegalArgumentException("ReduceLROnPlateau: factor must be in [0, 1), got " + factor);
            }
            this.factor = factor;
            return this;
        }

        /**
         * Sets how many epochs without improvement are tolerated (default 10).
         *
         * @param patience the count, &ge; 0
         * @return this builder
         */
        public Builder patience(int patience) {
            this.patience = Require.atLeast(0, patience, "ReduceLROnPlateau: patience");
            return this;
        }

        /**
         * Sets the smallest improvement that counts (default 1e-4, relative).
         *
         * @param threshold the threshold, finite and &ge; 0
         * @param mode      relative to the best value or absolute
         * @return this builder
         */
        public Builder threshold(double threshold, ThresholdMode mode) {
            if (!(threshold >= 0 && threshold <= Double.MAX_VALUE) || mode == null) {
                throw new IllegalArgumentException("ReduceLROnPlateau: threshold must be finite and >= 0 with a mode, "
                        + "got " + threshold + " " + mode);
            }
            this.threshold = threshold;
            this.thresholdMode = mode;
            return this;
        }

        /**
         * Sets how many epochs to wait after a reduction before counting bad epochs again (default 0).
         *
         * @param cooldown the count, &ge; 0
         * @return this builder
         */
        public Builder cooldown(int cooldown) {
            this.cooldown = Require.atLeast(0, cooldown, "ReduceLROnPlateau: cooldown");
            return this;
        }

        /**
         * Sets the lower bound of the learning rates: one value for all groups, or one per group (default 0).
         *
         * @param minLrs the bounds, each finite and &ge; 0
         * @return this builder
         */
        public Builder minLr(double... minLrs) {
            if (minLrs == null || minLrs.length == 0) {
                throw new IllegalArgumentException("ReduceLROnPlateau: minLr needs at least one value");
            }
            for (double v : minLrs) {
                if (!(v >= 0 && v <= Double.MAX_VALUE)) {
                    throw new IllegalArgumentException("ReduceLROnPlateau: invalid minLr " + v);
                }
            }
            this.minLrs = minLrs.clone();
            return this;
        }

        /**
         * Sets the smallest change of a learning rate worth making (default 1e-8).
         *
         * @param eps the bound, &ge; 0
         * @return this builder
         */
        public Builder eps(double eps) {
            if (!(eps >= 0)) {
                throw new IllegalArgumentException("ReduceLROnPlateau: eps must be >= 0, got " + eps);
            }
            this.eps = eps;
            return this;
        }

        /**
         * Creates the schedule.
         *
         * @param optimizer the optimizer whose learning rates to lower
         * @return the schedule
         */
        public ReduceLROnPlateau build(Optimizer<?> optimizer) {
            return new ReduceLROnPlateau(optimizer, this);
        }
    }
}
