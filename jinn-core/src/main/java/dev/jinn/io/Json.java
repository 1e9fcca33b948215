package dev.jinn.io;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small, strict JSON reader and string writer, enough for safetensors headers (RFC 8259 only: no comments,
 * no trailing commas, no leading zeros, no raw control characters in strings, no lone surrogates, and no
 * duplicate keys in any object).
 *
 * <p>Values come back as {@link Map} (insertion-ordered), {@link List}, {@link String}, {@link Num} (the
 * number's literal text, converted on demand), {@link Boolean} and {@link #NULL}.
 */
public final class Json {
    /** The JSON {@code null}. */
    public static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "null";
        }
    };

    /** Deeper nesting than this is rejected (a safetensors header needs 3 levels). */
    private static final int MAX_DEPTH = 64;

    /**
     * A JSON number, kept as the literal text it was written as.
     *
     * @param literal the number's text as written in the JSON
     */
    public record Num(String literal) {
        /**
         * The value as a long.
         *
         * @return the value, or null when it is not an integer literal or does not fit a long
         */
        public Long asLong() {
            for (int i = 0; i < literal.length(); i++) {
                char c = literal.charAt(i);
                if (c == '.' || c == 'e' || c == 'E') {
                    return null;
                }
            }
            try {
                return Long.parseLong(literal);
            } catch (NumberFormatException e) {
                return null;
            }
        }

        @Override
        public String toString() {
            return literal;
        }
    }

    /** Malformed JSON, with the character position of the problem. */
    public static final class ParseException extends Exception {
        private static final long serialVersionUID = 1L;

        ParseException(String message, int position) {
            super(message + " at character " + position);
        }
    }

    private final String text;
    private int pos;

    private Json(String text) {
        this.text = text;
    }

    /**
     * Parses one JSON value that fills the whole text (surrounding whitespace allowed).
     *
     * @param text the JSON text
     * @return the value
     * @throws ParseException when the text is not valid JSON
     */
    public static Object parse(String text) throws ParseException {
        Json p = new Json(text);
        p.skipWhitespace();
        Object value = p.value(0);
        p.skipWhitespace();
        if (p.pos != text.length()) {
            throw p.error("unexpected " + p.describeHere() + " after the end of the value");
        }
        return value;
    }

    private ParseException error(String message) {
        return new ParseException(message, pos);
    }

    private String describeHere() {
        if (pos >= text.length()) {
            return "end of text";
        }
        int cp = text.codePointAt(pos);
        return cp >= 0x20 && cp < 0x7f ? "'" + (char) cp + "'" : String.format("character U+%04X", cp);
    }

    private void skipWhitespace() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            pos++;
        }
    }

    private Object value(int depth) throws ParseException {
        if (pos >= text.length()) {
            throw error("unexpected end of text, expected a value");
        }
        char c = text.charAt(pos);
        switch (c) {
            case '{': return object(depth + 1);
            case '[': return array(depth + 1);
            case '"': return string();
            case 't': return literal("true", Boolean.TRUE);
            case 'f': return literal("false", Boolean.FALSE);
            case 'n': return literal("null", NULL);
            default:
                if (c == '-' || (c >= '0' && c <= '9')) {
                    return number();
                }
                throw error("unexpected " + describeHere() + ", expected a value");
        }
    }

    private Object literal(String word, Object value) throws ParseException {
        if (!text.startsWith(word, pos)) {
            throw error("unexpected " + describeHere() + ", expected a value");
        }
        pos += word.length();
        return value;
    }

    private Map<String, Object> object(int depth) throws ParseException {
        checkDepth(depth);
        pos++; // '{'
        Map<String, Object> out = new LinkedHashMap<>();
        skipWhitespace();
        if (pos < text.length() && text.charAt(pos) == '}') {
            pos++;
            return out;
        }
        while (true) {
            skipWhitespace();
            if (pos >= text.length() || text.charAt(pos) != '"') {
                throw error("unexpected " + describeHere() + ", expected a key string");
            }
            int keyPos = pos;
            String key = string();
            skipWhitespace();
            expect(':');
            skipWhitespace();
            Object v = value(depth);
            if (out.containsKey(key)) {
                throw new ParseException("duplicate key \"" + key + "\"", keyPos);
            }
            out.put(key, v);
            skipWhitespace();
            if (pos < text.length() && text.charAt(pos) == ',') {
                pos++;
                continue;
            }
            expect('}');
            return out;
        }
    }

    private List<Object> array(int depth) throws ParseException {
        checkDepth(depth);
        pos++; // '['
        List<Object> out = new ArrayList<>();
        skipWhitespace();
        if (pos < text.length() && text.charAt(pos) == ']') {
            pos++;
            return out;
        }
        while (true) {
            skipWhitespace();
            out.add(value(depth));
            skipWhitespace();
            if (pos < text.length() && text.charAt(pos) == ',') {
                pos++;
                continue;
            }
            expect(']');
            return out;
        }
    }

    private void checkDepth(int depth) throws ParseException {
        if (depth > MAX_DEPTH) {
            throw error("nesting deeper than " + MAX_DEPTH + " levels");
        }
    }

    private void expect(char c) throws ParseException {
        if (pos >= text.length() || text.charAt(pos) != c) {
            throw error("unexpected " + describeHere() + ", expected '" + c + "'");
        }
        pos++;
    }

    private String string() throws ParseException {
        pos++; // opening quote
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (pos >= text.length()) {
                throw error("unterminated string");
            }
            char c = text.charAt(pos);
            if (c == '"') {
                pos++;
                return sb.toString();
            }
            if (c < 0x20) {
                throw error(String.format("raw control character U+%04X in a string (must be escaped)", (int) c));
            }
            if (c != '\\') {
                sb.append(c);
                pos++;
                continue;
            }
            pos++;
            if (pos >= text.length()) {
                throw error("unterminated string");
            }
            char e = text.charAt(pos++);
            switch (e) {
                case '"': sb.append('"'); break;
                case '\\': sb.append('\\'); break;
                case '/': sb.append('/'); break;
                case 'b': sb.append('\b'); break;
                case 'f': sb.append('\f'); break;
                case 'n': sb.append('\n'); break;
                case 'r': sb.append('\r'); break;
                case 't': sb.append('\t'); break;
                case 'u': {
                    char u = hex4();
                    if (Character.isHighSurrogate(u)) {
                        if (!text.startsWith("\\u", pos)) {
                            throw error("lone high surrogate \\u" + Integer.toHexString(u) + " in a string");
                        }
                        pos += 2;
                        char low = hex4();
                        if (!Character.isLowSurrogate(low)) {
                            throw error("high surrogate not followed by a low surrogate in a string");
                        }
                        sb.append(u).append(low);
                    } else if (Character.isLowSurrogate(u)) {
                        throw error("lone low surrogate \\u" + Integer.toHexString(u) + " in a string");
                    } else {
                        sb.append(u);
                    }
                    break;
                }
                default:
                    pos--;
                    throw error("invalid escape \\" + describeHere());
            }
        }
    }

    private char hex4() throws ParseException {
        if (pos + 4 > text.length()) {
            throw error("truncated \\u escape");
        }
        int v = 0;
        for (int i = 0; i < 4; i++) {
            int d = Character.digit(text.charAt(pos), 16);
            if (d < 0 || text.charAt(pos) > 0x7f) {
                throw error("invalid hex digit in \\u escape");
            }
            v = v * 16 + d;
            pos++;
        }
        return (char) v;
    }

    private Num number() throws ParseException {
        int start = pos;
        if (text.charAt(pos) == '-') {
            pos++;
        }
        if (pos >= text.length() || !isDigit(text.charAt(pos))) {
            throw error("invalid number: expected a digit");
        }
        if (text.charAt(pos) == '0') {
            pos++;
            if (pos < text.length() && isDigit(text.charAt(pos))) {
                throw error("invalid number: leading zero");
            }
        } else {
            digits();
        }
        if (pos < text.length() && text.charAt(pos) == '.') {
            pos++;
            if (pos >= text.length() || !isDigit(text.charAt(pos))) {
                throw error("invalid number: expected a digit after '.'");
            }
            digits();
        }
        if (pos < text.length() && (text.charAt(pos) == 'e' || text.charAt(pos) == 'E')) {
            pos++;
            if (pos < text.length() && (text.charAt(pos) == '+' || text.charAt(pos) == '-')) {
                pos++;
            }
            if (pos >= text.length() || !isDigit(text.charAt(pos))) {
                throw error("invalid number: expected a digit in the exponent");
            }
            digits();
        }
        return new Num(text.substring(start, pos));
    }

    private void digits() {
        while (pos < text.length() && isDigit(text.charAt(pos))) {
            pos++;
        }
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /**
     * Appends {@code s} as a JSON string literal: quotes, backslashes and control characters escaped,
     * everything else (non-ASCII included) written as is.
     *
     * @param sb the output
     * @param s  the string
     */
    static void writeString(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"': sb.append("\\\""); break;
                case '\\': sb.append("\\\\"); break;
                case '\n': sb.append("\\n"); break;
                case '\r': sb.append("\\r"); break;
                case '\t': sb.append("\\t"); break;
                case '\b': sb.append("\\b"); break;
                case '\f': sb.append("\\f"); break;
                default:
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
            }
        }
        sb.append('"');
    }

    /**
     * A short description of a JSON value's type, for error messages.
     *
     * @param v a parsed value
     * @return e.g. {@code a string}
     */
    static String typeName(Object v) {
        if (v instanceof Map) {
            return "an object";
        } else if (v instanceof List) {
            return "an array";
        } else if (v instanceof String) {
            return "a string";
        } else if (v instanceof Num) {
            return "a number";
        } else if (v instanceof Boolean) {
            return "a boolean";
        }
        return "null";
    }
}
