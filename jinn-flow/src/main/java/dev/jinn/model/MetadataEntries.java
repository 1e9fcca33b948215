package dev.jinn.model;

import java.util.Map;
import java.util.function.Function;

/**
 * The entries of a model file's metadata under one prefix ({@code jinn.model.}, {@code jinn.data.}), read with
 * errors that name the full entry: one reader for every part of a model file that keeps its settings as text.
 *
 * @param metadata the file's metadata
 * @param prefix   the prefix of this part's keys
 */
record MetadataEntries(Map<String, String> metadata, String prefix) {
    /** Whether the entry is present (optional entries of older files). */
    boolean has(String key) {
        return metadata.containsKey(prefix + key);
    }

    /** The entry's text; an IllegalArgumentException naming it when it is missing. */
    String require(String key) {
        String v = metadata.get(prefix + key);
        if (v == null) {
            throw new IllegalArgumentException("the metadata entry " + prefix + key + " is missing");
        }
        return v;
    }

    /** The entry as a double; an IllegalArgumentException naming it and its text when it is not a number. */
    double number(String key) {
        return parsed(key, "a number", Double::parseDouble);
    }

    /** The entry as an int; an IllegalArgumentException naming it and its text when it is not an integer. */
    int integer(String key) {
        return parsed(key, "an integer", Integer::parseInt);
    }

    /** The entry as a long; an IllegalArgumentException naming it and its text when it is not an integer. */
    long longInteger(String key) {
        return parsed(key, "an integer", Long::parseLong);
    }

    /** The entry through {@code parser}, whose NumberFormatException becomes an error naming entry and text. */
    private <T> T parsed(String key, String kind, Function<String, T> parser) {
        String v = require(key);
        try {
            return parser.apply(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("the metadata entry " + prefix + key + " is not " + kind + ": '" + v
                    + "'");
        }
    }
}
