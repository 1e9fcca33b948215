package dev.jinn.optim;

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
 * The base of epoch-based learning-rate schedules, as PyTorch's {@code LRScheduler}: each schedule is a closed
 * form {@code lr(base_lr, epoch)} of the base learning rate of each group and the number of {@link #step()}
 * calls so far. Creating a schedule sets the optimizer's learning rates to their values at epoch 0; each
 * {@code step()} (once per epoch, after {@link Optimizer#step()}) advances the epoch and sets them again.
 *
 * <p>The base learning rate of a group is its {@link ParamGroup#initialLr()}, which the first schedule
 * created on the optimizer records from the group's {@code lr} (as PyTorch does), so several schedules over one
 * optimizer (e.g. inside {@link SequentialLR}) share the same base. Because the closed form is used (PyTorch
 * uses it only for {@code step(epoch)} and otherwise multiplies recursively), values may differ from PyTorch's
 * in the last bits, and a learning rate set by hand is overwritten at the next step.
 *
 * <p>The state dict holds {@code last_epoch} (0-dim float64) and {@code base_lrs} (1-d float64, one per
 * group).
 */
public abstract class LRScheduler {
    /** The optimizer whose learning rates are scheduled. */
    protected final Optimizer<?> optimizer;
    private final String name;
    private double[] baseLrs;
    private int lastEpoch;
    private double[] lastLr;

    /**
     * Records the base learning rates; subclasses call {@link #initialStep()} at the end of their constructor.
     *
     * @param name      the schedule's name, for messages
     * @param optimizer the optimizer
     */
    protected LRScheduler(String name, Optimizer<?> optimizer) {
        if (optimizer == null) {
            throw new IllegalArgumentException(name + ": the optimizer is null");
        }
        this.name = name;
        this.optimizer = optimizer;
        List<? extends ParamGroup<?>> groups = optimizer.paramGroups();
        baseLrs = new double[groups.size()];
        for (int i = 0; i < groups.size(); i++) {
            baseLrs[i] = groups.get(i).scheduleBase();
        }
    }

    /** Sets the learning rates to their values at epoch 0; the last statement of each subclass constructor. */
    protected final void initialStep() {
        lastEpoch = 0;
        apply();
    }

    /**
     * The schedule's closed form: the learning rate at an epoch of a group with a given base learning rate.
     *
     * @param baseLr the group's base learning rate
     * @param epoch  the number of steps taken, &ge; 0
     * @return the learning rate
     */
    protected abstract double lrAt(double baseLr, int epoch);

    /**
     * The base learning rate of a group (its learning rate when the first schedule was created).
     *
     * @param group the group index
     * @return the base learning rate
     */
    public final double baseLr(int group) {
        return baseLrs[group];
    }

    /** Advances one epoch and sets every group's learning rate to the schedule's value. */
    public void step() {
        if (lastEpoch == Integer.MAX_VALUE) {
            throw new IllegalStateException(name + ": the epoch counter overflows");
        }
        lastEpoch++;
        apply();
    }

    private void apply() {
        lastLr = new double[baseLrs.length];
        for (int g = 0; g < baseLrs.length; g++) {
            lastLr[g] = lrAt(baseLrs[g], lastEpoch);
            optimizer.setLr(g, lastLr[g]);
        }
    }

    /**
     * The learning rates this schedule set last, one per group.
     *
     * @return a copy
     */
    public final double[] lastLr() {
        return lastLr.clone();
    }

    /**
     * The number of {@link #step()} calls since creation (or as restored).
     *
     * @return the epoch
     */
    public final int lastEpoch() {
        return lastEpoch;
    }

    /**
     * The schedule's counters as tensors: {@code last_epoch} and {@code base_lrs}.
     *
     * @return key → tensor
     */
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put("last_epoch", Tensors.scalar(lastEpoch, DType.FLOAT64));
        out.put("base_lrs", Tensors.of(baseLrs.clone()));
        return out;
    }

    /**
     * Restores the counters saved by {@link #stateDict()}. The optimizer's learning rates are not touched (they
     * come back with the optimizer's own state dict); {@link #lastLr()} is recomputed. Nothing changes on error.
     *
     * @param dict the saved state
     * @throws StateDictException when keys are missing or unexpected, or values have the wrong shape or range
     */
    public void loadStateDict(Map<String, Tensor> dict) {
        List<String> missing = new ArrayList<>();
        List<String> unexpected = new ArrayList<>();
        List<String> mismatched = new ArrayList<>();
        Tensor e = dict.get("last_epoch");
        Tensor b = dict.get("base_lrs");
        int epoch = -1;
        if (e == null) {
            missing.add("last_epoch");
        } else if (e.numel() != 1 || e.dim() != 0) {
            mismatched.add("last_epoch: expected a 0-dim tensor, got shape " + Arrays.toString(e.shape()));
        } else {
            double v = e.item();
            if (!(v >= 0 && v <= Integer.MAX_VALUE && v == Math.rint(v))) {
                mismatched.add("last_epoch: expected a non-negative whole number, got " + v);
            } else {
                epoch = (int) v;
            }
        }
        double[] base = null;
        if (b == null) {
            missing.add("base_lrs");
        } else if (b.dim() != 1 || b.numel() != baseLrs.length || !b.dtype().isFloatingPoint()) {
            mismatched.add("base_lrs: expected a floating-point tensor of shape [" + baseLrs.length + "], got "
                    + b.dtype() + " " + Arrays.toString(b.shape()));
        } else {
            base = b.toDoubleArray();
            for (double v : base) {
                if (!(v >= 0 && v <= Double.MAX_VALUE)) {
                    mismatched.add("base_lrs: invalid learning rate " + v);
                    break;
                }
            }
        }
        for (String key : dict.keySet()) {
            if (!key.equals("last_epoch") && !key.equals("base_lrs")) {
                unexpected.add(key);
            }
        }
        if (!missing.isEmpty() || !unexpected.isEmpty() || !mismatched.isEmpty()) {
            throw new StateDictException(name, missing, unexpected, mismatched);
        }
        double[] lr = new double[base.length];
        for (int g = 0; g < lr.length; g++) {
            lr[g] = lrAt(base[g], epoch);
        }
        baseLrs = base;
        lastLr = lr;
        lastEpoch = epoch;
    }

    /**
     * The schedule's name, e.g. {@code StepLR}.
     *
     * @return the name
     */
    public final String name() {
        return name;
    }

    @Override
    public String toString() {
        return name + "(last_epoch=" + lastEpoch + ", last_lr=" + Arrays.toString(lastLr) + ")";
    }
}
