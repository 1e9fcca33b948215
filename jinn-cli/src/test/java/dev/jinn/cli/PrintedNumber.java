package dev.jinn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the numbers the command line prints after a label (e.g. {@code mean log-likelihood: -1.23}). */
final class PrintedNumber {
    private PrintedNumber() {
    }

    /**
     * The first number after a label, failing the test (with the whole text) when the label is not followed by one.
     *
     * @param text  what the command printed
     * @param label the text before the number
     * @return the number
     */
    static double after(String text, String label) {
        Matcher m = Pattern.compile(Pattern.quote(label) + "\\s*(-?[0-9.]+(?:[eE][-+]?[0-9]+)?)").matcher(text);
        assertThat(m.find()).as("'" + label + "' in:\n" + text).isTrue();
        return Double.parseDouble(m.group(1));
    }
}
