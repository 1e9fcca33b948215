package dev.jinn.nn;

import java.math.BigDecimal;

/** Formatting helpers that print numbers and flags the way PyTorch's module reprs do. */
final class Repr {
    private Repr() {
    }

    /**
     * A double as Python's {@code repr(float)}: {@code 1.0}, {@code 0.01}, {@code 1e-05}, {@code 1e+16}.
     *
     * @param v the value
     * @return the text
     */
    static String pyFloat(double v) {
        if (Double.isNaN(v)) {
            return "nan";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        if (v == 0) {
            return (1 / v < 0) ? "-0.0" : "0.0";
        }
        BigDecimal bd = new BigDecimal(Double.toString(v)).stripTrailingZeros();
        int exponent = bd.precision() - bd.scale() - 1;
        if (exponent >= -4 && exponent < 16) {
            String plain = bd.toPlainString();
            return plain.contains(".") ? plain : plain + ".0";
        }
        String digits = bd.unscaledValue().abs().toString();
        StringBuilder sb = new StringBuilder();
        if (v < 0) {
            sb.append('-');
        }
        sb.append(digits.charAt(0));
        if (digits.length() > 1) {
            sb.append('.').append(digits, 1, digits.length());
        }
        sb.append('e').append(exponent < 0 ? '-' : '+');
        int e = Math.abs(exponent);
        if (e < 10) {
            sb.append('0');
        }
        sb.append(e);
        return sb.toString();
    }

    /**
     * A boolean as Python prints it.
     *
     * @param b the value
     * @return {@code True} or {@code False}
     */
    static String pyBool(boolean b) {
        return b ? "True" : "False";
    }

    /**
     * A shape as a Python tuple: {@code (4,)}, {@code (2, 3)}.
     *
     * @param shape the sizes
     * @return the text
     */
    static String pyTuple(int[] shape) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(shape[i]);
        }
        if (shape.length == 1) {
            sb.append(',');
        }
        return sb.append(')').toString();
    }
}
