package dev.jinn.cli.data;

import java.util.List;
import java.util.Locale;

/**
 * How a condition column of the data becomes the condition vector of a conditional flow: a categorical column
 * becomes a one-hot vector over its categories (in the order stored here), a numeric column is used as it is.
 *
 * @param column     the column's name, or null for an unconditional model
 * @param kind       how its values are encoded
 * @param categories the categories of a categorical column (empty otherwise)
 */
public record ConditionEncoding(String column, Kind kind, List<String> categories) {
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
     * Checks the combination and copies the categories.
     *
     * @param column     the column name
     * @param kind       the kind
     * @param categories the categories
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
