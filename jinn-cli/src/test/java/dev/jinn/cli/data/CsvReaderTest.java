package dev.jinn.cli.data;

import dev.jinn.model.DecimalNumber;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** RFC 4180 reading through FastCSV, the number syntax, and the positions named in errors. */
class CsvReaderTest {
    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        return TestFiles.write(dir, name, text);
    }

    private static List<List<String>> readAll(Path p) throws IOException {
        List<List<String>> out = new ArrayList<>();
        try (CsvReader r = CsvReader.open(p)) {
            out.add(r.header());
            for (List<String> f = r.next(); f != null; f = r.next()) {
                out.add(f);
            }
        }
        return out;
    }

    @Test
    void aQuotedFieldMaySpanLinesAndLaterLinesKeepTheirNumbers() throws IOException {
        Path p = write("m.csv", "a,b,c\n1,2,\"two\nlines\"\n3,4,z\n");
        try (CsvReader r = CsvReader.open(p)) {
            assertThat(r.next()).containsExactly("1", "2", "two\nlines");
            assertThat(r.lineNumber()).isEqualTo(2);
            assertThat(r.next()).containsExactly("3", "4", "z");
            assertThat(r.lineNumber()).isEqualTo(4);
            assertThat(r.next()).isNull();
        }
    }

    @Test
    void crlfLineEndsAByteOrderMarkAndBlankLinesAreRead() throws IOException {
        Path p = write("w.csv", "\uFEFF\"a\",b\r\n1,2\r\n\r\n   \r\n3,\"4\"\r\n");
        assertThat(readAll(p)).containsExactly(List.of("a", "b"), List.of("1", "2"), List.of("3", "4"));
    }

    @Test
    void gzipFilesAreDecompressed() throws IOException {
        Path p = dir.resolve("z.csv.gz");
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(p))) {
            o.write("a,b\n1,2\n".getBytes(StandardCharsets.UTF_8));
        }
        assertThat(readAll(p)).containsExactly(List.of("a", "b"), List.of("1", "2"));
    }

    @Test
    void spacesBelongToTheirFieldSoAQuoteAfterASpaceIsRefused() throws IOException {
        Path before = write("s.csv", "a,b\n1, \"2\"\n");
        assertThatThrownBy(() -> readAll(before)).isInstanceOf(DataException.class)
                .hasMessageStartingWith(before + ":2:2 (column 'b'): a quote inside an unquoted field (\"2\")");
        Path after = write("t.csv", "a,b\n1,\"2\" \n");
        assertThatThrownBy(() -> readAll(after)).isInstanceOf(DataException.class)
                .hasMessageStartingWith(after + ":2:2: unexpected character after closing quote: ' '");
        // Spaces around an unquoted number are kept by the parser and are layout to the number syntax.
        Path spaced = write("u.csv", "a,b\n 1 ,\t2\n");
        try (CsvReader r = CsvReader.open(spaced)) {
            List<String> f = r.next();
            assertThat(f).containsExactly(" 1 ", "\t2");
            assertThat(r.number(f, 0)).isEqualTo(1.0);
            assertThat(r.number(f, 1)).isEqualTo(2.0);
        }
    }

    @Test
    void aQuoteThatIsNeverClosedIsAnErrorNotTheRestOfTheFile() throws IOException {
        Path p = write("q.csv", "a,b,c\n1,2,x\n3,4,\"y\n5,6,z\n");
        assertThatThrownBy(() -> readAll(p)).isInstanceOf(DataException.class)
                .hasMessage(p + ":3:3: a quoted field is not closed (its opening quote runs to the end of the file)");
    }

    @Test
    void aFieldBeyondTheLengthLimitIsAnError() throws IOException {
        // A quote never closed in a large file fills the parser's buffer before the end of the file is reached.
        StringBuilder sb = new StringBuilder("a,b\n1,\"");
        for (int i = 0; i < CsvReader.MAX_FIELD / 4 + 1; i++) {
            sb.append("3,4\n");
        }
        Path p = write("long.csv", sb.toString());
        assertThatThrownBy(() -> readAll(p)).isInstanceOf(DataException.class)
                .hasMessage(p + ":2:2: a field is longer than " + CsvReader.MAX_FIELD
                        + " characters (usually a quote that is never closed)");
    }

    @Test
    void raggedRowsNameTheirLine() throws IOException {
        Path p = write("r.csv", "a,b\n1,2\n3\n");
        assertThatThrownBy(() -> readAll(p))
                .hasMessage(p + ":3:2: the row has 1 field, but the header has 2 columns");
    }

    @Test
    void bytesThatAreNotUtf8AreAnError() throws IOException {
        Path p = dir.resolve("bin.csv");
        Files.write(p, new byte[] {'a', ',', 'b', '\n', '1', ',', (byte) 0xC3, (byte) 0x28, '\n'});
        assertThatThrownBy(() -> readAll(p)).isInstanceOf(DataException.class)
                .hasMessageStartingWith(p + ":2:2 (column 'b'): the file is not UTF-8 text");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"1.|1.0", "-.5|-0.5", "+2e3|2000", "7E-1|0.7", "' 3 '|3", "0|0"})
    void decimalNumbersParse(String text, double value) {
        assertThat(DecimalNumber.parse(text)).isEqualTo(value);
        assertThat(DecimalNumber.matches(text)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"0x1p3", "1d", "1f", "2D", "1_000", "1,5", "e3", ".", "--1", "1e", "١", "1 2"})
    void otherSpellingsAreNotNumbers(String text) {
        assertThatThrownBy(() -> DecimalNumber.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'" + text + "' is not a number");
        assertThat(DecimalNumber.matches(text)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"NaN", "nan", "-inf", "Infinity", "+INF", "-Infinity"})
    void nanAndInfinityAreRefusedAsNonFinite(String text) {
        assertThatThrownBy(() -> DecimalNumber.parse(text)).hasMessageStartingWith("'" + text
                + "' is not a finite number");
    }

    @Test
    void numbersBeyondDoubleRangeAreRefused() {
        assertThatThrownBy(() -> DecimalNumber.parse("1e999")).hasMessageContaining("too large");
    }

    @Test
    void rowsAreReadLazilySoLargeFilesStream() throws IOException {
        // The broken last row is only met when it is reached: the reader does not load the file up front.
        StringBuilder sb = new StringBuilder("a,b\n");
        for (int i = 0; i < 50_000; i++) {
            sb.append(i).append(',').append(i).append('\n');
        }
        sb.append("oops\n");
        Path p = write("big.csv", sb.toString());
        try (CsvData in = CsvData.open(p, List.of("a", "b"), null)) {
            CsvData.Chunk c = in.next(10);
            assertThat(c.size()).isEqualTo(10);
            assertThat(c.lines()).startsWith(2L, 3L);
            while (in.next(4096).size() == 4096) {
                // read on until the last full chunk
            }
        } catch (DataException e) {
            assertThat(e).hasMessage(p + ":50002:2: the row has 1 field, but the header has 2 columns");
            return;
        }
        throw new AssertionError("the broken last row was not reported");
    }
}
