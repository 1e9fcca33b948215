package dev.jinn.cli;

import dev.jinn.model.ConditionEncoding;
import dev.jinn.cli.data.CsvData;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * Counts the rows whose numeric condition lies outside the range seen in training: the model still gives an
 * answer there, but it is extrapolation, which the user should hear about (on standard error, once per run).
 */
final class ConditionRangeCheck {
    private final ConditionEncoding encoding;
    private long rows;
    private long outside;
    private long firstLine;
    private String firstValue;

    /** A check for a model's condition encoding (it does nothing for other than numeric conditions). */
    ConditionRangeCheck(ConditionEncoding encoding) {
        this.encoding = encoding;
    }

    /** Checks row {@code i} of a chunk. */
    void check(CsvData.Chunk chunk, int i) {
        if (encoding.kind() != ConditionEncoding.Kind.NUMERIC) {
            return;
        }
        rows++;
        String v = chunk.conditions().get(i);
        if (encoding.outsideTraining(v) && outside++ == 0) {
            firstLine = chunk.lines().get(i);
            firstValue = v;
        }
    }

    /** Prints the warning, if any row was outside. */
    void warn(PrintWriter err, Object source) {
        if (outside > 0) {
            err.printf(Locale.ROOT, "warning: %s: %d of %d rows have a condition '%s' outside the range the model was"
                    + " trained on, %s (the first, line %d: %s); their results are extrapolation%n", source, outside,
                    rows, encoding.column(), encoding.trainingRange(), firstLine, firstValue.strip());
            err.flush();
        }
    }
}
