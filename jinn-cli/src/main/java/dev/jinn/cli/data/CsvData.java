package dev.jinn.cli.data;

import dev.jinn.model.ConditionEncoding;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Numeric rows read from a CSV file by column name: the data columns a model expects (in its order, wherever
 * they stand in the file; other columns are ignored) and, for a conditional model, the condition column. Rows
 * are read in chunks, so a file of any size is processed with constant memory; every bad value is a
 * {@link DataException} naming the file, line and column.
 */
public final class CsvData implements Closeable {
    private final CsvReader reader;
    private final int[] dataIndex;
    private final int conditionIndex;

    /**
     * A chunk of rows.
     *
     * @param rows       the data values, one array per row, in the requested column order
     * @param conditions the condition column's text per row (empty without a condition column)
     * @param lines      the file line of each row
     */
    public record Chunk(List<double[]> rows, List<String> conditions, List<Long> lines) {
        /**
         * Copies the lists.
         *
         * @param rows       the rows
         * @param conditions the condition texts
         * @param lines      the rows' lines
         */
        public Chunk {
            rows = List.copyOf(rows);
            conditions = List.copyOf(conditions);
            lines = List.copyOf(lines);
        }

        /**
         * The number of rows.
         *
         * @return the count
         */
        public int size() {
            return rows.size();
        }
    }

    private CsvData(CsvReader reader, int[] dataIndex, int conditionIndex) {
        this.reader = reader;
        this.dataIndex = dataIndex;
        this.conditionIndex = conditionIndex;
    }

    /**
     * Opens a file for reading the given columns.
     *
     * @param path            the CSV file
     * @param columns         the data columns to read, in order
     * @param conditionColumn the condition column, or null
     * @return the reader
     * @throws IOException   when the file cannot be opened
     * @throws DataException when a column is missing from the header
     */
    public static CsvData open(Path path, List<String> columns, String conditionColumn) throws IOException {
        CsvReader r = CsvReader.open(path);
        try {
            List<String> header = r.header();
            int[] idx = new int[columns.size()];
            for (int j = 0; j < idx.length; j++) {
                idx[j] = header.indexOf(columns.get(j));
                if (idx[j] < 0) {
                    // Quoted, so that a name with a space (a header "x, y" has the column " y") shows it.
                    throw new DataException(r.file(), 1, 0, null, "the header has no column " + Quoted.of(columns.get(j))
                            + " (the model needs " + Quoted.all(columns) + "; the file has " + Quoted.all(header) + ")");
                }
            }
            int c = -1;
            if (conditionColumn != null) {
                c = header.indexOf(conditionColumn);
                if (c < 0) {
                    throw new DataException(r.file(), 1, 0, null, "the header has no condition column '"
                            + conditionColumn + "' (columns: " + String.join(", ", header) + ")");
                }
            }
            return new CsvData(r, idx, c);
        } catch (RuntimeException e) {
            r.close();
            throw e;
        }
    }

    /**
     * Opens a file for training: every column but the condition column is data.
     *
     * @param path            the CSV file
     * @param conditionColumn the condition column, or null
     * @return the reader
     * @throws IOException   when the file cannot be opened
     * @throws DataException when the condition column is missing or fewer than two data columns remain
     */
    public static CsvData openAll(Path path, String conditionColumn) throws IOException {
        List<String> header;
        try (CsvReader r = CsvReader.open(path)) {
            header = r.header();
        }
        List<String> data = new ArrayList<>(header);
        if (conditionColumn != null && !data.remove(conditionColumn)) {
            throw new DataException(path.toString(), 1, 0, null, "the header has no condition column '"
                    + conditionColumn + "' (columns: " + String.join(", ", header) + ")");
        }
        if (data.size() < 2) {
            throw new DataException(path.toString(), 1, 0, null, "a flow needs at least 2 data columns, the file has "
                    + data.size() + (conditionColumn != null ? " besides the condition column" : ""));
        }
        return open(path, data, conditionColumn);
    }

    /**
     * The names of the data columns read, in order.
     *
     * @return the names
     */
    public List<String> columns() {
        List<String> out = new ArrayList<>();
        for (int i : dataIndex) {
            out.add(reader.header().get(i));
        }
        return out;
    }

    /**
     * The file name used in messages.
     *
     * @return the name
     */
    public String file() {
        return reader.file();
    }

    /**
     * Reads up to {@code max} rows.
     *
     * @param max the largest chunk, &ge; 1
     * @return the chunk, empty at the end of the file
     * @throws IOException   when reading fails
     * @throws DataException for a malformed row
     */
    public Chunk next(int max) throws IOException {
        List<double[]> rows = new ArrayList<>();
        List<String> conds = new ArrayList<>();
        List<Long> lines = new ArrayList<>();
        List<String> f;
        while (rows.size() < max && (f = reader.next()) != null) {
            lines.add(reader.lineNumber());
            double[] r = new double[dataIndex.length];
            for (int j = 0; j < r.length; j++) {
                r[j] = reader.number(f, dataIndex[j]);
            }
            rows.add(r);
            if (conditionIndex >= 0) {
                String c = f.get(conditionIndex);
                if (c.isEmpty()) {
                    throw new DataException(reader.file(), reader.lineNumber(), conditionIndex + 1,
                            reader.header().get(conditionIndex), "the condition value is missing");
                }
                conds.add(c);
            }
        }
        return new Chunk(rows, conds, lines);
    }

    /**
     * Encodes the condition texts of a chunk, naming the file position of a bad value.
     *
     * @param chunk    the chunk
     * @param encoding the model's condition encoding
     * @return {@code [rows × dims]} values, row-major
     */
    public float[] encodeConditions(Chunk chunk, ConditionEncoding encoding) {
        int d = encoding.dims();
        float[] out = new float[chunk.size() * d];
        for (int i = 0; i < chunk.size(); i++) {
            try {
                encoding.encode(chunk.conditions().get(i), out, i * d);
            } catch (IllegalArgumentException e) {
                throw new DataException(reader.file(), chunk.lines().get(i), conditionIndex + 1,
                        reader.header().get(conditionIndex), e.getMessage());
            }
        }
        return out;
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }
}
