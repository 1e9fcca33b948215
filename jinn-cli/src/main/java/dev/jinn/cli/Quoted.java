package dev.jinn.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Text shown in single quotes with its invisible parts spelled out ({@code \n}, {@code \t}, {@code \'},
 * {@code \\}, other control characters as {@code \u001B}), so that category values such as {@code " a"} or
 * {@code "a,b"} read unambiguously in a listing.
 */
final class Quoted {
    private Quoted() {
    }

    /** One value quoted. */
    static String of(String s) {
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

    /** Values quoted and joined with commas. */
    static String all(List<String> values) {
        List<String> out = new ArrayList<>();
        for (String v : values) {
            out.add(of(v));
        }
        return String.join(", ", out);
    }
}
