package dev.jinn.cli.data;

/**
 * Bad input data: the message names the file, the line (1-based, the header being line 1) and the column
 * (1-based, with its header name when known), e.g. {@code data.csv:17:3 (column 'y'): 'abc' is not a number}.
 */
public final class DataException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * An error at a position in a file.
     *
     * @param file    the file name as given
     * @param line    the 1-based line, or 0 for the file as a whole
     * @param column  the 1-based column, or 0 for the whole line
     * @param name    the column's header name, or null
     * @param problem what is wrong
     */
    public DataException(String file, long line, int column, String name, String problem) {
        super(file + (line > 0 ? ":" + line : "") + (column > 0 ? ":" + column : "")
                + (name != null ? " (column '" + name + "')" : "") + ": " + problem);
    }
}
