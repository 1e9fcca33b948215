package dev.jinn.cli.data;

import java.util.List;

/**
 * One record as the CSV parser saw it.
 *
 * @param line   the 1-based line where the record starts (a quoted field may span lines)
 * @param fields the field texts
 * @param quoted whether each field was quoted
 */
record CsvRow(long line, List<String> fields, List<Boolean> quoted) {
    CsvRow {
        fields = List.copyOf(fields);
        quoted = List.copyOf(quoted);
    }

    /** Whether the record is a line holding only spaces or tabs (skipped like an empty line). */
    boolean blank() {
        return fields.size() == 1 && !quoted.get(0) && fields.get(0).isBlank();
    }
}
