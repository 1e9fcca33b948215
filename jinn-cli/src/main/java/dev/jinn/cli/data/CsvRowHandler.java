package dev.jinn.cli.data;

import de.siegmar.fastcsv.reader.AbstractBaseCsvCallbackHandler;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds {@link CsvRow}s from FastCSV's parser: FastCSV's own records drop whether a field was quoted, which the
 * reader needs to refuse a quote inside an unquoted field (e.g. {@code 1, "2"}, where RFC 4180 makes the space
 * part of the field and the quotes literal).
 */
final class CsvRowHandler extends AbstractBaseCsvCallbackHandler<CsvRow> {
    private final List<String> fields = new ArrayList<>();
    private final List<Boolean> quoted = new ArrayList<>();
    private long line;

    @Override
    protected void handleBegin(long startingLineNumber) {
        fields.clear();
        quoted.clear();
        line = startingLineNumber;
    }

    @Override
    protected void handleField(int fieldIdx, char[] buf, int offset, int len, boolean wasQuoted) {
        fields.add(new String(buf, offset, len));
        quoted.add(wasQuoted);
    }

    @Override
    protected CsvRow buildRecord() {
        return new CsvRow(line, fields, quoted);
    }

    /** The line where the record being parsed started (for errors raised mid-record). */
    long line() {
        return line;
    }

    /** The fields of the record being parsed so far. */
    int fieldsSoFar() {
        return fields.size();
    }
}
