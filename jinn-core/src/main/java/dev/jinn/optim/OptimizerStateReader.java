package dev.jinn.optim;

import dev.jinn.autograd.Grad;
import dev.jinn.io.StateDictException;
import dev.jinn.tensor.DType;
import dev.jinn.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads an optimizer state dict (the format of {@link Optimizer#stateDict()}) piece by piece, collecting every
 * missing, unexpected and mismatched key instead of stopping at the first, so that
 * {@link Optimizer#loadStateDict} can report them all in one {@link StateDictException} and change nothing.
 */
final class OptimizerStateReader {
    private final Map<String, Tensor> dict;
    private final List<String> missing = new ArrayList<>();
    private final List<String> mismatched = new ArrayList<>();
    private final Set<String> used = new LinkedHashSet<>();

    OptimizerStateReader(Map<String, Tensor> dict) {
        this.dict = dict;
    }

    /**
     * The options of group {@code g}: the dict's values under the names of {@code defaults.values()}, read by
     * {@code defaults.withValues}; null when one is missing or bad (recorded).
     */
    <O extends OptimizerOptions<O>> O options(int g, O defaults) {
        Map<String, Double> values = new LinkedHashMap<>();
        boolean complete = true;
        for (String name : defaults.values().keySet()) {
            String key = groupKey(g, name);
            if (!dict.containsKey(key)) {
                missing.add(key);
                complete = false;
            } else {
                Double v = number(key);
                complete &= v != null;
                if (v != null) {
                    values.put(name, v);
                }
            }
        }
        if (!complete) {
            return null;
        }
        try {
            return defaults.withValues(values);
        } catch (IllegalArgumentException e) {
            mismatched.add("param_groups." + g + ": " + e.getMessage());
            return null;
        }
    }

    /** Group {@code g}'s base learning rate for schedules, NaN when the dict has none (no schedule was made). */
    double initialLr(int g) {
        String key = groupKey(g, OptionValues.INITIAL_LR);
        Double v = dict.containsKey(key) ? number(key) : null;
        return v == null ? Double.NaN : v;
    }

    /** Checks that group {@code g} holds the parameters numbered {@code first, first + 1, …} ({@code n} of them). */
    void checkIndices(int g, int first, int n) {
        String key = groupKey(g, "params");
        Tensor p = take(key);
        if (p == null) {
            missing.add(key);
            return;
        }
        long[] expect = new long[n];
        for (int j = 0; j < n; j++) {
            expect[j] = first + j;
        }
        long[] got = p.dim() == 1 && p.dtype() == DType.INT64 ? p.toLongArray() : null;
        if (!Arrays.equals(expect, got)) {
            mismatched.add(key + ": expected int64 indices " + Arrays.toString(expect) + ", got "
                    + (got != null ? Arrays.toString(got) : p.dtype() + " " + Arrays.toString(p.shape())));
        }
    }

    /**
     * The state of parameter {@code k}, copied and converted to the parameter's dtype ({@code step} to float64):
     * empty when the dict has none for it (the parameter was never stepped), otherwise exactly the names
     * {@code expected}, each of the parameter's shape ({@code step}: a 0-dim whole number).
     */
    Map<String, Tensor> paramState(int k, Tensor param, Set<String> expected) {
        String prefix = "state." + k + ".";
        Map<String, Tensor> found = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : dict.entrySet()) {
            if (e.getKey().startsWith(prefix) && e.getValue() != null) {
                found.put(e.getKey().substring(prefix.length()), e.getValue());
            }
        }
        Map<String, Tensor> out = new LinkedHashMap<>();
        if (found.isEmpty()) {
            return out;
        }
        for (String s : expected) {
            if (!found.containsKey(s)) {
                missing.add(prefix + s);
            }
        }
        for (Map.Entry<String, Tensor> e : found.entrySet()) {
            if (expected.contains(e.getKey())) {
                Tensor t = stateTensor(prefix + e.getKey(), "step".equals(e.getKey()), e.getValue(), param);
                if (t != null) {
                    out.put(e.getKey(), t);
                }
            }
        }
        return out;
    }

    private Tensor stateTensor(String key, boolean isStep, Tensor t, Tensor param) {
        used.add(key);
        int[] shape = isStep ? new int[0] : param.shape();
        if (!t.dtype().isFloatingPoint() || !Arrays.equals(shape, t.shape())) {
            mismatched.add(key + ": expected a floating-point tensor of shape " + Arrays.toString(shape) + ", got "
                    + t.dtype() + " " + Arrays.toString(t.shape()));
            return null;
        }
        if (isStep) {
            double v = t.item();
            if (!(v >= 0 && v == Math.rint(v) && v <= 1L << 53)) {
                mismatched.add(key + ": expected a non-negative whole number, got " + v);
                return null;
            }
        }
        try (Grad.Scope s = Grad.disabled()) {
            return isStep ? t.to(DType.FLOAT64).copy() : t.detach().to(param.dtype()).copy();
        }
    }

    /**
     * Throws when anything was missing or mismatched or a key of the dict was not read.
     *
     * @throws StateDictException listing every problem, for the optimizer {@code name}
     */
    void throwIfAnyProblem(String name) {
        List<String> unexpected = new ArrayList<>();
        for (String key : dict.keySet()) {
            if (!used.contains(key)) {
                unexpected.add(key);
            }
        }
        if (!missing.isEmpty() || !unexpected.isEmpty() || !mismatched.isEmpty()) {
            throw new StateDictException(name, missing, unexpected, mismatched);
        }
    }

    private static String groupKey(int g, String name) {
        return "param_groups." + g + "." + name;
    }

    private Tensor take(String key) {
        Tensor t = dict.get(key);
        if (t != null) {
            used.add(key);
        }
        return t;
    }

    /** A 0-dim floating-point number, or null (recorded) when the tensor is not one or is NaN. */
    private Double number(String key) {
        Tensor t = take(key);
        if (t == null || t.dim() != 0 || !t.dtype().isFloatingPoint()) {
            mismatched.add(key + ": expected a 0-dim floating-point tensor, got "
                    + (t == null ? "null" : t.dtype() + " " + Arrays.toString(t.shape())));
            return null;
        }
        double v = t.item();
        if (Double.isNaN(v)) {
            mismatched.add(key + ": is NaN");
            return null;
        }
        return v;
    }
}
