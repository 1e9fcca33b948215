package dev.jinn.cli.data;

import dev.jinn.model.ConditionEncoding;
import dev.jinn.model.DataTransform;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvDataTest {
    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        return TestFiles.write(dir, name, text);
    }

    private static String rows(int n) {
        StringBuilder sb = new StringBuilder("a,b,kind\n");
        for (int i = 0; i < n; i++) {
            sb.append(i).append(',').append(2 * i + 1).append(',').append(i % 3 == 0 ? "x" : "y").append('\n');
        }
        return sb.toString();
    }

    @Test
    void readsColumnsStandardisesAndEncodesACategoricalCondition() throws IOException {
        Path p = write("d.csv", rows(40));
        TrainingData d = TrainingData.csv(p, "kind", "auto", 7);
        DataTransform t = d.transform();
        assertThat(t.columns()).containsExactly("a", "b");
        assertThat(t.condition().kind()).isEqualTo(ConditionEncoding.Kind.CATEGORICAL);
        assertThat(t.condition().categories()).containsExactly("x", "y");
        assertThat(d.validation().size()).isEqualTo(4);
        assertThat(d.validation().conditions().get(0).shape()).containsExactly(4, 2);
        // b = 2a + 1, so its statistics are twice a's (mean shifted by one).
        assertThat(t.std()[1]).isCloseTo(2 * t.std()[0], within(1e-9));
        assertThat(t.mean()[1]).isCloseTo(2 * t.mean()[0] + 1, within(1e-9));
        assertThat(t.nllOffset()).isCloseTo(Math.log(t.std()[0]) + Math.log(t.std()[1]), within(1e-12));
        // The round trip through model units gives back the data.
        List<double[]> back = t.fromModel(t.toModel(List.of(new double[] {3, 7})));
        assertThat(back.get(0)[0]).isCloseTo(3, within(1e-5));
        assertThat(back.get(0)[1]).isCloseTo(7, within(1e-5));
    }

    @Test
    void theSplitIsReproducibleForASeed() throws IOException {
        Path p = write("d.csv", rows(50));
        float[] a = TrainingData.csv(p, "kind", "auto", 3).validation().x().toFloatArray();
        float[] b = TrainingData.csv(p, "kind", "auto", 3).validation().x().toFloatArray();
        float[] c = TrainingData.csv(p, "kind", "auto", 4).validation().x().toFloatArray();
        assertThat(a).isEqualTo(b).isNotEqualTo(c);
    }

    @Test
    void aNumericConditionIsUsedAsItIs() throws IOException {
        Path p = write("n.csv", "u,v,t\n1,2,0.5\n3,4,1.5\n5,6,2.5\n");
        TrainingData d = TrainingData.csv(p, "t", "auto", 1);
        assertThat(d.transform().condition().kind()).isEqualTo(ConditionEncoding.Kind.NUMERIC);
        assertThat(d.validation()).isNull(); // fewer than 20 rows: no split
        float[] out = new float[1];
        d.transform().condition().encode("2.5", out, 0);
        assertThat(out[0]).isEqualTo(2.5f);
    }

    @Test
    void badRowsNameTheFileLineAndColumn() throws IOException {
        Path text = write("t.csv", "a,b\n1,2\n3,abc\n");
        assertThatThrownBy(() -> TrainingData.csv(text, null, "auto", 1)).isInstanceOf(DataException.class)
                .hasMessage(text + ":3:2 (column 'b'): 'abc' is not a number");
        Path missing = write("m.csv", "a,b\n1,2\n,4\n");
        assertThatThrownBy(() -> TrainingData.csv(missing, null, "auto", 1))
                .hasMessage(missing + ":3:1 (column 'a'): the value is missing");
        Path count = write("c.csv", "a,b\n1,2\n3,4,5\n");
        assertThatThrownBy(() -> TrainingData.csv(count, null, "auto", 1))
                .hasMessage(count + ":3:3: the row has 3 fields, but the header has 2 columns");
        Path nan = write("nan.csv", "a,b\n1,2\n\n4,NaN\n");
        assertThatThrownBy(() -> TrainingData.csv(nan, null, "auto", 1))
                .hasMessageStartingWith(nan + ":4:2 (column 'b'): 'NaN' is not a finite number");
        Path inf = write("inf.csv", "a,b\n1,-Infinity\n");
        assertThatThrownBy(() -> TrainingData.csv(inf, null, "auto", 1)).hasMessageContaining(":2:2")
                .hasMessageContaining("not a finite number");
        Path suffix = write("f.csv", "a,b\n1,2f\n");
        assertThatThrownBy(() -> TrainingData.csv(suffix, null, "auto", 1)).hasMessageContaining("'2f' is not a number");
    }

    @Test
    void fileLevelProblemsAreClear() throws IOException {
        assertThatThrownBy(() -> TrainingData.csv(dir.resolve("none.csv"), null, "auto", 1))
                .isInstanceOf(NoSuchFileException.class).hasMessageContaining("none.csv");
        Path empty = write("e.csv", "");
        assertThatThrownBy(() -> TrainingData.csv(empty, null, "auto", 1)).hasMessageContaining("the file is empty");
        Path header = write("h.csv", "a,b\n");
        assertThatThrownBy(() -> TrainingData.csv(header, null, "auto", 1)).hasMessageContaining("no data rows");
        Path one = write("one.csv", "a\n1\n");
        assertThatThrownBy(() -> TrainingData.csv(one, null, "auto", 1)).hasMessageContaining("at least 2 data columns");
        Path p = write("d.csv", rows(5));
        assertThatThrownBy(() -> TrainingData.csv(p, "nope", "auto", 1))
                .hasMessageContaining("no condition column 'nope'").hasMessageContaining("a, b, kind");
        assertThatThrownBy(() -> TrainingData.csv(p, "kind", "numeric", 1)).isInstanceOf(DataException.class)
                .hasMessageContaining(":2").hasMessageContaining("'x' is not a number");
        Path dup = write("dup.csv", "a,a\n1,2\n");
        assertThatThrownBy(() -> TrainingData.csv(dup, null, "auto", 1)).hasMessageContaining("appears twice");
    }

    @Test
    void quotedFieldsAndByteOrderMarksAreRead() throws IOException {
        Path p = write("q.csv", "\uFEFFx,\"y, in m\",c\n1,\" 2.5\",\"a \"\"b\"\"\"\n3,4,z\n");
        try (CsvData in = CsvData.open(p, List.of("x", "y, in m"), "c")) {
            CsvData.Chunk c = in.next(10);
            assertThat(c.rows().get(0)).containsExactly(1, 2.5);
            assertThat(c.conditions()).containsExactly("a \"b\"", "z");
            assertThat(c.lines()).containsExactly(2L, 3L);
        }
    }

    @Test
    void aMissingColumnIsNamedWithTheHeaderQuotedSoSpacesShow() throws IOException {
        // RFC 4180: the space after the comma belongs to the name, so this header has the columns 'x' and ' y'.
        Path p = write("sp.csv", "x, y\n1,2\n");
        assertThatThrownBy(() -> CsvData.open(p, List.of("x", "y"), null)).isInstanceOf(DataException.class)
                .hasMessage(p + ":1: the header has no column 'y' (the model needs 'x', 'y'; the file has 'x', ' y')");
    }

    @Test
    void unknownCategoriesAreNamedWithTheirLine() throws IOException {
        Path p = write("s.csv", "a,b,kind\n1,2,x\n3,4,w\n");
        ConditionEncoding enc = new ConditionEncoding("kind", ConditionEncoding.Kind.CATEGORICAL, List.of("x", "y"));
        try (CsvData in = CsvData.open(p, List.of("a", "b"), "kind")) {
            CsvData.Chunk c = in.next(10);
            assertThatThrownBy(() -> in.encodeConditions(c, enc))
                    .hasMessage(p + ":3:3 (column 'kind'): 'w' is not a known category of 'kind' (known: x, y)");
        }
    }
}
