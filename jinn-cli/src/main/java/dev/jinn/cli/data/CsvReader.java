package dev.jinn.cli.data;

import dev.jinn.model.DecimalNumber;
import de.siegmar.fastcsv.reader.CloseableIterator;
import de.siegmar.fastcsv.reader.CommentStrategy;
import de.siegmar.fastcsv.reader.CsvParseException;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PushbackReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Reads a comma-separated file (RFC 4180, parsed by FastCSV) record by record, so files larger than memory can
 * be streamed: a header record of column names, then one record per row. Quoted fields may hold commas, line
 * breaks and doubled quotes; CRLF and LF line ends are both read; a UTF-8 byte-order mark is skipped; empty and
 * blank lines are skipped; a {@code .gz} file is decompressed. The text must be UTF-8. Spaces belong to their
 * field (RFC 4180), so {@code 1, "2"} is refused: a quote inside an unquoted field is an error, as are characters
 * after a closing quote and a quote that is never closed. Every record must have as many fields as the header.
 * Each problem is a {@link DataException} naming the file, line and column.
 */
public final class CsvReader implements Closeable {
    /**
     * The longest field read, in characters: far beyond any number or category, and it bounds the memory a file
     * can take (FastCSV's own default, 16M, would let an unclosed quote buffer 32 MB before failing).
     */
    static final int MAX_FIELD = 1 << 20;
    private final String file;
    private final QuoteCountingReader text;
    private final CsvRowHandler handler = new CsvRowHandler();
    private final de.siegmar.fastcsv.reader.CsvReader<CsvRow> csv;
    private final CloseableIterator<CsvRow> rows;
    private final List<String> header;
    private CsvRow last;

    private CsvReader(String file, Reader in, boolean hasHeader) throws IOException {
        this.file = file;
        this.text = new QuoteCountingReader(skipByteOrderMark(in));
        this.csv = de.siegmar.fastcsv.reader.CsvReader.builder().fieldSeparator(',').quoteCharacter('"')
                .commentStrategy(CommentStrategy.NONE).skipEmptyLines(true).allowExtraFields(true)
                .allowMissingFields(true).allowExtraCharsAfterClosingQuote(false).trimWhitespacesAroundQuotes(false)
                .detectBomHeader(false).maxBufferSize(MAX_FIELD).build(handler, text);
        this.rows = csv.iterator();
        if (hasHeader) {
            CsvRow first = read();
            if (first == null) {
                throw new DataException(file, 0, 0, null, "the file is empty (expected a header line of column names)");
            }
            this.header = first.fields();
            for (int i = 0; i < header.size(); i++) {
                if (header.get(i).isEmpty()) {
                    throw new DataException(file, first.line(), i + 1, null, "the header has an empty column name");
                }
                if (header.indexOf(header.get(i)) != i) {
                    throw new DataException(file, first.line(), i + 1, header.get(i), "the column name appears twice");
                }
            }
        } else {
            this.header = null;
        }
    }

    /**
     * Opens a CSV file with a header line.
     *
     * @param path the file ({@code .gz} is decompressed)
     * @return the reader, positioned after the header
     * @throws IOException   when the file cannot be opened ({@link NoSuchFileException} when it is missing)
     * @throws DataException when the header is missing or malformed
     */
    public static CsvReader open(Path path) throws IOException {
        if (Files.isDirectory(path)) {
            throw new DataException(path.toString(), 0, 0, null, "is a directory, not a data file");
        }
        if (!Files.isRegularFile(path)) {
            throw new NoSuchFileException(path.toString(), null, "no such data file");
        }
        InputStream raw = Files.newInputStream(path);
        try {
            InputStream s = path.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw;
            return new CsvReader(path.toString(), utf8(s), true);
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }

    /**
     * Reads headerless CSV from a stream (e.g. a bundled resource).
     *
     * @param name how to name the source in messages
     * @param in   the bytes (gzip-compressed if {@code gzip})
     * @param gzip whether to decompress
     * @return the reader
     * @throws IOException when the stream cannot be read
     */
    public static CsvReader headerless(String name, InputStream in, boolean gzip) throws IOException {
        return new CsvReader(name, utf8(gzip ? new GZIPInputStream(in) : in), false);
    }

    /**
     * Decodes UTF-8, turning invalid bytes into U+FFFD, which {@link #read} then refuses with the field's position
     * (a reporting decoder would fail a whole buffer ahead of the parser, without a line to name).
     */
    private static Reader utf8(InputStream in) {
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
    }

    /** Spreadsheet programs start UTF-8 files with U+FEFF; it is not part of the first column's name. */
    private static Reader skipByteOrderMark(Reader in) throws IOException {
        PushbackReader r = new PushbackReader(in, 1);
        int c = r.read();
        if (c >= 0 && c != '\uFEFF') {
            r.unread(c);
        }
        return r;
    }

    /**
     * The column names of the header.
     *
     * @return the names, or null for a headerless reader
     */
    public List<String> header() {
        return header;
    }

    /**
     * The file name used in messages.
     *
     * @return the name
     */
    public String file() {
        return file;
    }

    /**
     * The line number where the record returned last starts.
     *
     * @return 1-based
     */
    public long lineNumber() {
        return last == null ? 0 : last.line();
    }

    /**
     * The next record.
     *
     * @return its fields, or null at the end of the file
     * @throws IOException   when reading fails
     * @throws DataException when the record has the wrong number of fields or breaks RFC 4180's quoting
     */
    public List<String> next() throws IOException {
        CsvRow row;
        do {
            row = read();
            if (row == null) {
                return null;
            }
        } while (row.blank());
        List<String> fields = row.fields();
        if (header != null && fields.size() != header.size()) {
            int col = Math.min(fields.size(), header.size()) + 1;
            throw new DataException(file, row.line(), col, null, "the row has " + fields.size() + " field"
                    + (fields.size() == 1 ? "" : "s") + ", but the header has " + header.size() + " columns");
        }
        return fields;
    }

    /** The next record from FastCSV, checked for quotes FastCSV lets pass; null at the end. */
    private CsvRow read() throws IOException {
        CsvRow row;
        try {
            row = rows.hasNext() ? rows.next() : null;
            // One record of look-ahead: an unclosed quote runs to the end of the file, so it shows as the last
            // record with a quote still open, and is reported before its swallowed lines are taken as a value.
            if (row != null && !rows.hasNext() && text.unbalanced()) {
                throw new DataException(file, row.line(), row.fields().size(), null, "a quoted field is not closed"
                        + " (its opening quote runs to the end of the file)");
            }
        } catch (CsvParseException e) {
            String why = e.getCause() != null ? e.getCause().getMessage() : e.getMessage();
            if (why != null && why.contains("maximum buffer size")) {
                throw new DataException(file, handler.line(), handler.fieldsSoFar() + 1, null, "a field is longer than "
                        + MAX_FIELD + " characters (usually a quote that is never closed)");
            }
            String rule = why != null && why.contains("closing quote")
                    ? " (RFC 4180: a closing quote must be followed by a comma or the end of the line)" : "";
            throw new DataException(file, handler.line(), handler.fieldsSoFar() + 1, null, lowerFirst(why) + rule);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        if (row == null) {
            return null;
        }
        for (int i = 0; i < row.fields().size(); i++) {
            String name = header == null || i >= header.size() ? null : header.get(i);
            if (!row.quoted().get(i) && row.fields().get(i).indexOf('"') >= 0) {
                throw new DataException(file, row.line(), i + 1, name, "a quote inside an unquoted field ("
                        + row.fields().get(i).strip() + "); RFC 4180 makes a space before a quote part of the field:"
                        + " quote the whole field or drop the space");
            }
            if (row.fields().get(i).indexOf('\uFFFD') >= 0) {
                throw new DataException(file, row.line(), i + 1, name, "the file is not UTF-8 text (an invalid byte"
                        + " sequence in this field)");
            }
        }
        last = row;
        return row;
    }

    private static String lowerFirst(String s) {
        return s == null || s.isEmpty() ? "malformed record" : Character.toLowerCase(s.charAt(0)) + s.substring(1);
    }

    /**
     * Parses a field as a finite decimal number (see {@link DecimalNumber}: no hexadecimal, no type suffixes, no
     * NaN or infinity).
     *
     * @param fields the record
     * @param index  0-based column
     * @return the value
     * @throws DataException naming the line and column when the field is empty, not a number, or not finite
     */
    public double number(List<String> fields, int index) {
        try {
            return DecimalNumber.parse(fields.get(index));
        } catch (IllegalArgumentException e) {
            throw new DataException(file, lineNumber(), index + 1, header == null ? null : header.get(index),
                    e.getMessage());
        }
    }

    @Override
    public void close() throws IOException {
        csv.close();
    }
}
