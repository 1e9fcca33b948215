package dev.jinn.tensor;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

/**
 * Prints tensors the way PyTorch does: {@code tensor([[1.0000, 2.5000], [3.0000, 4.0000]])} with rows on
 * their own lines, integer-valued floats as {@code 1.}, scientific notation when the nonzero magnitudes span
 * more than three decades (or exceed 1e8, or fall below 1e-4 for non-integers), rows wrapped at 80 columns,
 * and summaries ({@code ...}, three items at each edge) above 1000 elements, in which case the number style
 * is chosen from the items shown. Numbers are rounded half-to-even on their exact binary value, as Python's
 * formatting does. Suffixes ({@code dtype=float64}, {@code grad_fn=<...>}, {@code requires_grad=True}) move
 * to a new line when the last line would pass 80 columns.
 */
final class TensorFormatter {
    private static final int THRESHOLD = 1000;
    private static final int EDGE_ITEMS = 3;
    private static final int LINE_WIDTH = 80;
    private static final int PRECISION = 4;
    private static final String PREFIX = "tensor(";
    private static final MathContext SCI_DIGITS = new MathContext(PRECISION + 1, RoundingMode.HALF_EVEN);

    private TensorFormatter() {
    }

    static String format(Tensor t) {
        Tensor c = Elementwise.copy(t, t.dtype);
        List<String> suffixes = new ArrayList<>();
        String body;
        if (c.numel == 0) {
            body = "[]";
            if (c.shape.length != 1) {
                suffixes.add("size=" + sizeText(c.shape));
            }
            // with no elements to show, any type but the default one is named
            if (c.dtype != DType.FLOAT32) {
                suffixes.add("dtype=" + c.dtype);
            }
        } else {
            boolean summarize = c.numel > THRESHOLD;
            ValueStyle style = ValueStyle.of(c, summarize ? summarizedPositions(c) : allPositions(c));
            StringBuilder sb = new StringBuilder();
            appendBlock(sb, c, style, 0, 0, PREFIX.length(), summarize);
            body = sb.toString();
            if (c.dtype == DType.FLOAT64) {
                suffixes.add("dtype=" + c.dtype);
            }
        }
        if (t.gradFn != null) {
            suffixes.add("grad_fn=<" + t.gradFn.name() + ">");
        } else if (t.requiresGrad()) {
            suffixes.add("requires_grad=True");
        }
        return withSuffixes(PREFIX + body, suffixes);
    }

    private static String withSuffixes(String text, List<String> suffixes) {
        StringBuilder sb = new StringBuilder(text);
        // PyTorch's measure of the last line (two more than its length), kept for identical wrapping
        int lastLine = text.length() - text.lastIndexOf('\n') + 1;
        for (String s : suffixes) {
            if (lastLine + s.length() + 2 > LINE_WIDTH) {
                sb.append(",\n").append(" ".repeat(PREFIX.length())).append(s);
                lastLine = PREFIX.length() + s.length();
            } else {
                sb.append(", ").append(s);
                lastLine += s.length() + 2;
            }
        }
        return sb.append(')').toString();
    }

    private static String sizeText(int[] shape) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            sb.append(i > 0 ? ", " : "").append(shape[i]);
        }
        return sb.append(shape.length == 1 ? ",)" : ")").toString();
    }

    private static int[] allPositions(Tensor c) {
        int[] p = new int[c.numel];
        for (int i = 0; i < p.length; i++) {
            p[i] = i;
        }
        return p;
    }

    /** Flat positions of the elements a summary shows: the edge items along every dim. */
    private static int[] summarizedPositions(Tensor c) {
        List<Integer> out = new ArrayList<>();
        collectShown(c, 0, 0, out);
        int[] p = new int[out.size()];
        for (int i = 0; i < p.length; i++) {
            p[i] = out.get(i);
        }
        return p;
    }

    private static void collectShown(Tensor c, int d, int base, List<Integer> out) {
        if (d == c.shape.length) {
            out.add(base);
            return;
        }
        int size = c.shape[d];
        boolean cut = size > 2 * EDGE_ITEMS;
        for (int i = 0; i < size; i++) {
            if (cut && i == EDGE_ITEMS) {
                i = size - EDGE_ITEMS;
            }
            collectShown(c, d + 1, base + i * c.strides[d], out);
        }
    }

    /**
     * Appends the sub-tensor of dim {@code d} starting at flat position {@code base}; {@code indent} is the
     * column at which its opening bracket stands.
     */
    private static void appendBlock(StringBuilder sb, Tensor c, ValueStyle style, int d, int base, int indent,
            boolean summarize) {
        int dims = c.shape.length;
        if (dims == 0) {
            sb.append(style.text(c, base));
            return;
        }
        int size = c.shape[d];
        int stride = c.strides[d];
        boolean cut = summarize && size > 2 * EDGE_ITEMS;
        List<String> items = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            if (cut && i == EDGE_ITEMS) {
                items.add(d == dims - 1 ? " ..." : "...");
                i = size - EDGE_ITEMS;
            }
            if (d == dims - 1) {
                items.add(style.text(c, base + i * stride));
            } else {
                StringBuilder sub = new StringBuilder();
                appendBlock(sub, c, style, d + 1, base + i * stride, indent + 1, summarize);
                items.add(sub.toString());
            }
        }
        String newline = " ".repeat(indent + 1);
        sb.append('[');
        if (d == dims - 1) {
            int perLine = Math.max(1, (LINE_WIDTH - indent) / (style.width + 2));
            for (int i = 0; i < items.size(); i++) {
                if (i > 0) {
                    sb.append(i % perLine == 0 ? ",\n" + newline : ", ");
                }
                sb.append(items.get(i));
            }
        } else {
            String separator = "," + "\n".repeat(dims - 1 - d) + newline;
            sb.append(String.join(separator, items));
        }
        sb.append(']');
    }

    /** How every element of one tensor is written: fixed, integer-like or scientific, padded to one width. */
    private static final class ValueStyle {
        private static final int INTEGER = 0;
        private static final int FIXED = 1;
        private static final int SCIENTIFIC = 2;

        private final int mode;
        private final int width;

        private ValueStyle(int mode, int width) {
            this.mode = mode;
            this.width = width;
        }

        /** The style for the elements at {@code positions} (those shown), chosen by PyTorch's rules. */
        static ValueStyle of(Tensor c, int[] positions) {
            int w = 1;
            if (!c.dtype.isFloatingPoint()) {
                for (int p : positions) {
                    w = Math.max(w, raw(c, INTEGER, p).length());
                }
                return new ValueStyle(INTEGER, w);
            }
            // only nonzero finite values decide the style and the width
            boolean allInts = true;
            boolean any = false;
            double maxAbs = 0;
            double minAbs = Double.POSITIVE_INFINITY;
            for (int p : positions) {
                double v = ElementAccess.read(c.data(), c.dtype, p);
                if (!Double.isFinite(v) || v == 0) {
                    continue;
                }
                any = true;
                allInts &= v == Math.ceil(v);
                double a = Math.abs(v);
                maxAbs = Math.max(maxAbs, a);
                minAbs = Math.min(minAbs, a);
            }
            if (!any) {
                return new ValueStyle(INTEGER, w);
            }
            boolean wide = maxAbs / minAbs > 1000 || maxAbs > 1e8;
            int mode = allInts ? (wide ? SCIENTIFIC : INTEGER) : (wide || minAbs < 1e-4 ? SCIENTIFIC : FIXED);
            for (int p : positions) {
                double v = ElementAccess.read(c.data(), c.dtype, p);
                if (Double.isFinite(v) && v != 0) {
                    w = Math.max(w, raw(c, mode, p).length());
                }
            }
            return new ValueStyle(mode, w);
        }

        String text(Tensor c, int position) {
            String s = raw(c, mode, position);
            return " ".repeat(Math.max(0, width - s.length())) + s;
        }

        private static String raw(Tensor c, int mode, int position) {
            if (c.dtype == DType.BOOL) {
                return ((boolean[]) c.data())[position] ? "True" : "False";
            }
            if (c.dtype == DType.INT64) {
                return Long.toString(((long[]) c.data())[position]);
            }
            double v = ElementAccess.read(c.data(), c.dtype, position);
            if (Double.isNaN(v)) {
                return "nan";
            }
            if (Double.isInfinite(v)) {
                return v > 0 ? "inf" : "-inf";
            }
            String sign = Math.copySign(1.0, v) < 0 ? "-" : "";
            double a = Math.abs(v);
            switch (mode) {
                case INTEGER: return sign + fixed(a, 0) + ".";
                case SCIENTIFIC: return sign + scientific(a);
                default: return sign + fixed(a, PRECISION);
            }
        }

        /** {@code a} (finite, non-negative) with {@code decimals} digits after the point, half-to-even. */
        private static String fixed(double a, int decimals) {
            return new BigDecimal(a).setScale(decimals, RoundingMode.HALF_EVEN).toPlainString();
        }

        /** {@code a} (finite, non-negative) as {@code d.dddde±XX}, half-to-even, like Python's {@code .4e}. */
        private static String scientific(double a) {
            if (a == 0) {
                return "0." + "0".repeat(PRECISION) + "e+00";
            }
            BigDecimal r = new BigDecimal(a).round(SCI_DIGITS);
            String digits = r.unscaledValue().toString();
            int exponent = digits.length() - 1 - r.scale();
            StringBuilder m = new StringBuilder(digits);
            while (m.length() < PRECISION + 1) {
                m.append('0');
            }
            int e = Math.abs(exponent);
            return m.charAt(0) + "." + m.substring(1, PRECISION + 1) + "e" + (exponent < 0 ? "-" : "+")
                    + (e < 10 ? "0" : "") + e;
        }
    }
}
