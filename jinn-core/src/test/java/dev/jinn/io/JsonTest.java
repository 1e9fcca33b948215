package dev.jinn.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonTest {
    @Test
    @SuppressWarnings("unchecked")
    void parsesTheWholeGrammar() throws Exception {
        Object v = Json.parse(" {\"a\": [1, -0, 2.5e-3, 1E+2], \"b\": {\"c\": \"x\\u00e9\\ud83d\\ude00\\\"\\\\\\/\\b\\f\\n\\r\\t\"},"
                + " \"t\": true, \"f\": false, \"n\": null, \"e\": {}, \"l\": []}\t\r\n ");
        Map<String, Object> m = (Map<String, Object>) v;
        assertThat(m.keySet()).containsExactly("a", "b", "t", "f", "n", "e", "l");
        assertThat((List<Object>) m.get("a")).containsExactly(new Json.Num("1"), new Json.Num("-0"), new Json.Num("2.5e-3"),
                new Json.Num("1E+2"));
        assertThat(((Map<?, ?>) m.get("b")).get("c")).isEqualTo("xé\uD83D\uDE00\"\\/\b\f\n\r\t");
        assertThat(m.get("t")).isEqualTo(Boolean.TRUE);
        assertThat(m.get("n")).isSameAs(Json.NULL);
        assertThat(new Json.Num("12").asLong()).isEqualTo(12L);
        assertThat(new Json.Num("1e2").asLong()).isNull();
        assertThat(new Json.Num("99999999999999999999").asLong()).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  ", "{", "{\"a\":1,}", "[1,]", "{\"a\" 1}", "{a:1}", "{'a':1}", "01", "-", "1.", ".5",
        "1e", "+1", "NaN", "Infinity", "tru", "\"abc", "\"a\nb\"", "\"\\x\"", "\"\\u12\"", "\"\\ud800\"",
        "\"\\udc00\"", "\"\\ud800\\u0041\"", "{} {}", "{}//", "/* c */{}", "{\"a\":1,\"a\":2}", "[1 2]"})
    void rejectsInvalidJson(String text) {
        assertThatThrownBy(() -> Json.parse(text)).isInstanceOf(Json.ParseException.class)
                .hasMessageContaining("at character");
    }

    @Test
    void rejectsDeepNesting() {
        assertThatThrownBy(() -> Json.parse("[".repeat(100) + "]".repeat(100)))
                .hasMessageContaining("nesting deeper than 64");
    }

    @Test
    void writtenStringsParseBack() throws Exception {
        String s = "quote\" backslash\\ nl\n tab\t ctrl\u0001 é \uD83D\uDE00 /";
        StringBuilder sb = new StringBuilder();
        Json.writeString(sb, s);
        assertThat(sb.toString()).doesNotContain("\n").contains("\\u0001");
        assertThat(Json.parse(sb.toString())).isEqualTo(s);
    }
}
