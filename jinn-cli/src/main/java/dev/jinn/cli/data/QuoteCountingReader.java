package dev.jinn.cli.data;

import java.io.FilterReader;
import java.io.IOException;
import java.io.Reader;

/**
 * Counts the quote characters passing through. In an RFC 4180 file they come in pairs (a quoted field's two
 * delimiters, a doubled quote inside one), and the reader refuses quotes in unquoted fields; so an odd count at
 * the end means a quote that was never closed. FastCSV itself takes such a quote to run to the end of the file,
 * which would silently turn the rest of the file into one field.
 */
final class QuoteCountingReader extends FilterReader {
    private long quotes;

    QuoteCountingReader(Reader in) {
        super(in);
    }

    @Override
    public int read() throws IOException {
        int c = super.read();
        if (c == '"') {
            quotes++;
        }
        return c;
    }

    @Override
    public int read(char[] buf, int off, int len) throws IOException {
        int n = super.read(buf, off, len);
        for (int i = off; i < off + n; i++) {
            if (buf[i] == '"') {
                quotes++;
            }
        }
        return n;
    }

    /** Whether a quote is still open: an odd number of quotes read. */
    boolean unbalanced() {
        return (quotes & 1) != 0;
    }
}
