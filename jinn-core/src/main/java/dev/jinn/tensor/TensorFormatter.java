package dev.jinn.tensor;

import java.util.Locale;

/**
 * Prints tensors the way PyTorch does: {@code tensor([[1.0000, 2.5000], [3.0000, 4.0000]])} with rows on
 * their own lines, integer-valued floats as {@code 1.}, scientific notation when magnitudes span more than
 * three decades, and summaries ({@code ...}, three items at each edge) above 1000 elements.
 */
final class TensorFormatter {
    private static final int THRESHOLD = 1000;
    private static final int EDGE_ITEMS = 3;
    private static final String PREFIX = "tensor(";

    private TensorFormatter() {
    }

    static String format(Tensor t) {
        Tensor c = Elementwise.copy(t, t.dtype);
        boolean summarize = t.numel > THRESHOLD;
        StringBuilder sb = new StringBuilder(PREFIX);
        if (t.numel == 0) {
            sb.append("[]");
            if (t.shape.length != 1) {
                sb.append(", size=").append(sizeText(t.shape));
            }
        } else {
            ValueStyle style = ValueStyle.of(c, summarize);
            appendBlock(sb, c, style, 0, 0, summarize);
        }
        if (t.dtype == DType.FLOAT64) {
            sb.append(", dtype=float64");
        }
        if (t.gradFn != null) {
            sb.append(", grad_fn=<").append(t.gradFn.name).append('>');
        } else if (t.requiresGrad()) {
            sb.append(", requires_grad=True");
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

    /** Appends the sub-tensor of dim {@code d} starting at flat position {@code base}. */
    private static void appendBlock(StringBuilder sb, Tensor c, ValueStyle style, int d, int base, boolean summarize) {
        if (d == c.shape.length) {
            sb.append(style.text(ElementAccess.read(c.data, c.dtype, base)));
            return;
        }
        int size = c.shape[d];
        int stride = c.strides[d];
        boolean cut = summarize && size > 2 * EDGE_ITEMS;
        sb.append('[');
        String indent = " ".repeat(PREFIX.length() + d + 1);
        String separator = d == c.shape.length - 1 ? ", " : "," + "\n".repeat(c.shape.length - 1 - d) + indent;
        for (int i = 0; i < size; i++) {
            if (cut && i == EDGE_ITEMS) {
                sb.append("...").append(separator);
                i = size - EDGE_ITEMS;
            }
            appendBlock(sb, c, style, d + 1, base + i * stride, summarize);
            if (i < size - 1) {
                sb.append(separator);
            }
        }
        sb.append(']');
    }

    /** How every element of one tensor is written: fixed, integer-like or scientific, padded to one width. */
    private static final class ValueStyle {
        private final DType dtype;
        private final int mode;
        private final int width;

        private static final int INTEGER = 0;
        private static final int FIXED = 1;
        private static final int SCIENTIFIC = 2;

        private ValueStyle(DType dtype, int mode, int width) {
            this.dtype = dtype;
            this.mode = mode;
            this.width = width;
        }

        static ValueStyle of(Tensor c, boolean summarize) {
            if (!c.dtype.isFloatingPoint()) {
                int w = 0;
                for (int i = 0; i < c.numel; i++) {
                    w = Math.max(w, raw(c.dtype, INTEGER, ElementAccess.read(c.data, c.dtype, i)).length());
                }
                return new ValueStyle(c.dtype, INTEGER, w);
            }
            boolean allInts = true;
            double maxAbs = 0;
            double minAbs = Double.POSITIVE_INFINITY;
            for (int i = 0; i < c.numel; i++) {
                double v = ElementAccess.read(c.data, c.dtype, i);
                if (!Double.isFinite(v)) {
                    continue;
                }
                allInts &= v == Math.rint(v);
                double a = Math.abs(v);
                if (a > 0) {
                    maxAbs = Math.max(maxAbs, a);
                    minAbs = Math.min(minAbs, a);
                }
            }
            int mode;
            if (allInts) {
                mode = maxAbs > 1e8 ? SCIENTIFIC : INTEGER;
            } else {
                mode = maxAbs / minAbs > 1000 || maxAbs > 1e8 || minAbs < 1e-4 ? SCIENTIFIC : FIXED;
            }
            int w = 0;
            for (int i = 0; i < c.numel; i++) {
                w = Math.max(w, raw(c.dtype, mode, ElementAccess.read(c.data, c.dtype, i)).length());
            }
            return new ValueStyle(c.dtype, mode, w);
        }

        String text(double v) {
            String s = raw(dtype, mode, v);
            return " ".repeat(Math.max(0, width - s.length())) + s;
        }

        private static String raw(DType dtype, int mode, double v) {
            if (dtype == DType.BOOL) {
                return v != 0 ? "True" : "False";
            }
            if (dtype == DType.INT64) {
                return Long.toString((long) v);
            }
            if (Double.isNaN(v)) {
                return "nan";
            }
            if (Double.isInfinite(v)) {
                return v > 0 ? "inf" : "-inf";
            }
            switch (mode) {
                case INTEGER: return String.format(Locale.ROOT, "%.0f.", v);
                case SCIENTIFIC: return String.format(Locale.ROOT, "%.4e", v).replaceAll("e([+-])(\\d)$", "e$10$2");
                default: return String.format(Locale.ROOT, "%.4f", v);
            }
        }
    }
}
