package dev.jinn.model;

import java.util.List;
import java.util.Locale;

/**
 * How a condition column of the data becomes the condition vector of a conditional flow: a categorical column
 * becomes a one-hot vector over its categories (in the order stored here), a numeric column is used as it is.
 *
 * @param column     the column's name, or null for an unconditional model
 * @param kind       how its values are encoded
 * @param categories the categories of a categorical column (empty otherwise)
 * @param min        the smallest value of a numeric condition seen in training, NaN when unknown (other kinds,
 *                   model files written before the range was stored)
 * @param max        the largest such value, NaN when unknown
 */
public record ConditionEncoding(String column, Kind kind, List<String> categories, double min, double max) {
    /** The kinds of condition. */
    public enum Kind {
        /** No condition. */
        NONE,
        /** One-hot over a fixed list of categories. */
        CATEGORICAL,
        /** One number, used as it is. */
        NUMERIC;

        /**
         * The kind's lower-case name, as written in model files.
         *
         * @return e.g. {@code categorical}
         */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** No condition at all. */
    public static final ConditionEncoding NONE = new ConditionEncoding(null, Kind.NONE, List.of());

    /**
     * An encoding without a known training range.
     *
     * @param column     the column name
     * @param kind       the kind
     * @param categories the categories
     */
    public ConditionEncoding(String column, Kind kind, List<String> categories) {
        this(column, kind, categories, Double.NaN, Double.NaN);
    }

    /**
     * Checks the combination and copies the categories.
     *
     * @param column     the column name
     * @param kind       the kind
     * @param categories the categories
     * @param min        the training minimum of a numeric condition, or NaN
     * @param max        the training maximum, or NaN
     */
    public ConditionEncoding {
        categories = List.copyOf(categories);
        if (kind == Kind.CATEGORICAL && categories.size() < 2) {
            throw new IllegalArgumentException("the condition column '" + column + "' needs at least 2 categories, got "
                    + categories);
        }
        if ((kind == Kind.NONE) != (column == null)) {
            throw new IllegalArgumentException("a condition needs a column name exactly when it is not NONE");
        }
        if (!Double.isNaN(min) || !Double.isNaN(max)) {
            if (kind != Kind.NUMERIC || !(min <= max) || Double.isInfinite(min) || Double.isInfinite(max)) {
                throw new IllegalArgumentException("the condition '" + column + "' has the training range [" + min
                        + ", " + max + "] (need a numeric condition and finite min <= max)");
            }
        }
    }

    /**
     * The same encoding with the range of the numeric condition values seen in training.
     *
     * @param lo the smallest value
     * @param hi the largest value
     * @return the encoding
     */
    public ConditionEncoding withRange(double lo, double hi) {
        return new ConditionEncoding(column, kind, categories, lo, hi);
    }

    /**
     * Whether a numeric condition value lies outside the training range (false when the range is unknown or the
     * condition is not numeric; a malformed value is the encoder's error, not this check's).
     *
     * @param value the value as text
     * @return true for extrapolation
     */
    public boolean outsideTraining(String value) {
        if (kind != Kind.NUMERIC || Double.isNaN(min)) {
            return false;
        }
        try {
            double d = DecimalNumber.parse(value);
            return d < min || d > max;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * The training range as text.
     *
     * @return e.g. {@code [0.5, 2.5]}, or {@code unknown}
     */
    public String trainingRange() {
        return Double.isNaN(min) ? "unknown" : "[" + min + ", " + max + "]";
    }

    /**
     * The length of the condition vector.
     *
     * @return the number of categories, 1 for a numeric condition, 0 for none
     */
    public int dims() {
        return switch (kind) {
            case NONE -> 0;
            case NUMERIC -> 1;
            case CATEGORICAL -> categories.size();
        };
    }

    /**
     * Encodes one value into {@code out[offset..offset + dims())}.
     *
     * @param value  the column's text
     * @param out    the destination
     * @param offset where to write
     * @throws IllegalArgumentException for an unknown category or a non-numeric value of a numeric condition
     *                                  (the caller adds the file position)
     */
    public void encode(String value, float[] out, int offset) {
        switch (kind) {
            case NONE -> {
            }
            case NUMERIC -> {
                double d;
                try {
                    d = DecimalNumber.parse(value);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(e.getMessage() + " (the condition '" + column + "' is numeric)");
                }
                out[offset] = (float) d;
            }
            case CATEGORICAL -> {
                int k = categories.indexOf(value.strip());
                if (k < 0) {
                    throw new IllegalArgumentException("'" + value + "' is not a known category of '" + column
                            + "' (known: " + String.join(", ", categories) + ")");
                }
                out[offset + k] = 1f;
            }
            default -> throw new IllegalStateException(kind.toString());
        }
    }
}
