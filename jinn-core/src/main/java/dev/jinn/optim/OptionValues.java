package dev.jinn.optim;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The range checks of the option records and the reading of their state-dict form, in one place. */
final class OptionValues {
    /** The largest β below 1: moment decays must stay below 1 or the bias correction divides by zero. */
    static final double BELOW_ONE = Math.nextDown(1.0);
    /** The state-dict name of the learning rate, which every optimizer has. */
    static final String LR = "lr";
    /** The state-dict name of the weight decay, which every optimizer has. */
    static final String WEIGHT_DECAY = "weight_decay";
    /** The state-dict name under which the first schedule records a group's starting learning rate. */
    static final String INITIAL_LR = "initial_lr";

    private OptionValues() {
    }

    /**
     * Checks {@code lo <= value <= hi} (false for NaN).
     *
     * @return the value
     * @throws IllegalArgumentException naming the record and the option
     */
    static double range(String owner, String name, double value, double lo, double hi) {
        if (!(value >= lo && value <= hi)) {
            throw new IllegalArgumentException(owner + ": invalid " + name + " " + value + " (allowed: " + lo
                    + " to " + hi + ")");
        }
        return value;
    }

    /** Checks a finite value &ge; 0, the range of learning rates, decays and eps. */
    static double nonNegative(String owner, String name, double value) {
        return range(owner, name, value, 0, Double.MAX_VALUE);
    }

    /**
     * The state-dict form of a record: {@code names[i] → values[i]}, in order.
     *
     * @throws IllegalArgumentException when the counts differ (a record's list of names is out of date)
     */
    static Map<String, Double> map(List<String> names, double... values) {
        if (names.size() != values.length) {
            throw new IllegalArgumentException(names.size() + " option names for " + values.length + " values");
        }
        Map<String, Double> out = new LinkedHashMap<>();
        for (int i = 0; i < values.length; i++) {
            out.put(names.get(i), values[i]);
        }
        return out;
    }

    /**
     * The values stored under the names, in their order: the inverse of {@link #map}.
     *
     * @throws IllegalArgumentException naming the record and the first missing name
     */
    static double[] read(String owner, List<String> names, Map<String, Double> values) {
        double[] out = new double[names.size()];
        for (int i = 0; i < out.length; i++) {
            Double v = values.get(names.get(i));
            if (v == null) {
                throw new IllegalArgumentException(owner + ": no value for " + names.get(i) + " (has "
                        + values.keySet() + ")");
            }
            out[i] = v;
        }
        return out;
    }

    /** A flag read back from its state-dict form, 0 or 1; anything else is rejected rather than read as true. */
    static boolean flag(String owner, String name, double value) {
        if (value != 0.0 && value != 1.0) {
            throw new IllegalArgumentException(owner + ": invalid " + name + " " + value + " (a flag: 0 or 1)");
        }
        return value == 1.0;
    }

    /** The state-dict form of a flag. */
    static double flag(boolean value) {
        return value ? 1.0 : 0.0;
    }
}
