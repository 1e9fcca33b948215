package dev.jinn.cli.data;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Reads a comma-separated file row by row, so files larger than memory can be streamed: a header line of column
 * names, then one record per line. Fields may be quoted with {@code "} (a doubled quote inside stands for one);
 * surrounding spaces are ignored; blank lines are skipped; a {@code .gz} file is decompressed. Every record must
 * have as many fields as the header, else a {@link DataException} names the line and column.
 */
public final class CsvReader implements Closeable {
    private final String file;
    private final BufferedReader in;
    private final List<String> header;
    private long lineNumber;

    private CsvReader(String file, BufferedReader in, boolean hasHeader) throws IOException {
        this.file = file;
        this.in = in;
        if (hasHeader) {
            String first = readLine();
            if (first == null) {
                throw new DataException(file, 0, 0, null, "the file is empty (expected a header line of column names)");
            }
            this.header = List.copyOf(split(first));
            for (int i = 0; i < header.size(); i++) {
                if (header.get(i).isEmpty()) {
                    throw new DataException(file, lineNumber, i + 1, null, "the header has an empty column name");
                }
                if (header.indexOf(header.get(i)) != i) {
                    throw new DataException(file, lineNumber, i + 1, header.get(i), "the column name appears twice");
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
        if (!Files.isRegularFile(path)) {
            throw new NoSuchFileException(path.toString(), null, "no such data file");
        }
        InputStream raw = Files.newInputStream(path);
        try {
            InputStream s = path.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw;
            return new CsvReader(path.toString(), new BufferedReader(new InputStreamReader(s, StandardCharsets.UTF_8)),
                    true);
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
        InputStream s = gzip ? new GZIPInputStream(in) : in;
        return new CsvReader(name, new BufferedReader(new InputStreamReader(s, StandardCharsets.UTF_8)), false);
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
     * The line number of the record returned last.
     *
     * @return 1-based
     */
    public long lineNumber() {
        return lineNumber;
    }

    /**
     * The next record.
     *
     * @return its fields, or null at the end of the file
     * @throws IOException   when reading fails
     * @throws DataException when the record has the wrong number of fields or an unclosed quote
     */
    public List<String> next() throws IOException {
        String line;
        do {
            line = readLine();
            if (line == null) {
                return null;
            }
        } while (line.isBlank());
        List<String> fields = split(line);
        if (header != null && fields.size() != header.size()) {
            int col = Math.min(fields.size(), header.size()) + 1;
            throw new DataException(file, lineNumber, col, null, "the row has " + fields.size() + " field"
                    + (fields.size() == 1 ? "" : "s") + ", but the header has " + header.size() + " columns");
        }
        return fields;
    }

    private String readLine() throws IOException {
        String line = in.readLine();
        if (line != null) {
            lineNumber++;
            if (lineNumber == 1 && line.startsWith("\uFEFF")) {
                line = line.substring(1); // a byte-order mark written by some spreadsheet programs
            }
        }
        return line;
    }

    private List<String> split(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        boolean wasQuoted = false;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (quoted) {
                if (ch == '"') {
                    if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
                        field.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    field.append(ch);
                }
            } else if (ch == ',') {
                out.add(wasQuoted ? field.toString() : field.toString().strip());
                field.setLength(0);
                wasQuoted = false;
            } else if (ch == '"' && field.toString().isBlank()) {
                quoted = true;
                wasQuoted = true;
                field.setLength(0);
            } else {
                field.append(ch);
            }
        }
        if (quoted) {
            throw new DataException(file, lineNumber, out.size() + 1, null, "a quoted field is not closed");
        }
        out.add(wasQuoted ? field.toString() : field.toString().strip());
        return out;
    }

    /**
     * Parses a field as a finite number.
     *
     * @param fields the record
     * @param index  0-based column
     * @return the value
     * @throws DataException naming the line and column when the field is empty, not a number, or not finite
     */
    public double number(List<String> fields, int index) {
        String v = fields.get(index);
        String name = header == null ? null : header.get(index);
        if (v.isEmpty()) {
            throw new DataException(file, lineNumber, index + 1, name, "the value is missing");
        }
        char last = Character.toLowerCase(v.charAt(v.length() - 1));
        double d;
        try {
            // Java's parser also takes "1f" and "2d" (type suffixes); a data file means no such thing.
            if (last == 'f' || last == 'd') {
                throw new NumberFormatException(v);
            }
            d = Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new DataException(file, lineNumber, index + 1, name, "'" + v + "' is not a number");
        }
        if (!Double.isFinite(d)) {
            throw new DataException(file, lineNumber, index + 1, name, "'" + v + "' is not a finite number");
        }
        return d;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
