package dev.jinn.cli.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Text shown in single quotes with its invisible parts spelled out ({@code \n}, {@code \t}, {@code \'},
 * {@code \\}, other control characters as {@code \u001B}), so that category values such as {@code " a"} or
 * {@code "a,b"} read unambiguously in a listing or a message.
 */
public final class Quoted {
    private Quoted() {
    }

    /**
     * One value quoted.
     *
     * @param s the text
     * @return it in single quotes, escaped
     */
    public static String of(String s) {
        StringBuilder sb = new StringBuilder("'");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\'' -> sb.append("\\'");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (Character.isISOControl(c)) {
                        sb.append(String.format(Locale.ROOT, "\\u%04X", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('\'').toString();
    }

    /**
     * Values quoted and joined with commas.
     *
     * @param values the texts
     * @return e.g. {@code 'a', 'b,c'}
     */
    public static String all(List<String> values) {
        List<String> out = new ArrayList<>();
        for (String v : values) {
            out.add(of(v));
        }
        return String.join(", ", out);
    }
}
