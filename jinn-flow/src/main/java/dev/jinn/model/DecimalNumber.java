package dev.jinn.model;

import java.util.regex.Pattern;

/**
 * The number syntax of data files: optional sign, decimal digits with an optional fraction, an optional decimal
 * exponent ({@code -1.5}, {@code .5}, {@code 3.}, {@code 2e-3}), with spaces or tabs around it. Java's own parser
 * also takes {@code 0x1p3}, {@code 1d}, {@code 1f}, {@code NaN} and {@code Infinity}; no data file means those as
 * numbers, so they are refused here instead of silently becoming values.
 */
public final class DecimalNumber {
    private static final Pattern SYNTAX = Pattern.compile("[+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?");
    /** Spellings of missing or infinite values that spreadsheets, NumPy and pandas write. */
    private static final Pattern NON_FINITE = Pattern.compile("(?i)[+-]?(?:nan|inf|infinity)");

    private DecimalNumber() {
    }

    /**
     * Whether a text is a decimal number of this syntax (finite or not, e.g. {@code 1e999}).
     *
     * @param text the field
     * @return true when it parses
     */
    public static boolean matches(String text) {
        return SYNTAX.matcher(strip(text)).matches();
    }

    /**
     * Parses a field.
     *
     * @param text the field
     * @return the finite value
     * @throws IllegalArgumentException with the reason (the caller adds the file position)
     */
    public static double parse(String text) {
        String t = strip(text);
        if (t.isEmpty()) {
            throw new IllegalArgumentException("the value is missing");
        }
        if (NON_FINITE.matcher(t).matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a finite number (missing and infinite values"
                    + " are not accepted: fill in a value or drop the row)");
        }
        if (!SYNTAX.matcher(t).matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a number");
        }
        double d = Double.parseDouble(t);
        if (Double.isInfinite(d)) {
            throw new IllegalArgumentException("'" + text + "' is too large for a number (beyond ±1.8e308)");
        }
        return d;
    }

    /** Spaces or tabs around an unquoted number are layout, not part of the value. */
    private static String strip(String text) {
        int a = 0;
        int b = text.length();
        while (a < b && (text.charAt(a) == ' ' || text.charAt(a) == '\t')) {
            a++;
        }
        while (b > a && (text.charAt(b - 1) == ' ' || text.charAt(b - 1) == '\t')) {
            b--;
        }
        return text.substring(a, b);
    }
}
