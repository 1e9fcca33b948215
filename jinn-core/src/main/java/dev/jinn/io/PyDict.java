package dev.jinn.io;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A Python dict or {@code collections.OrderedDict} (both keep insertion order since Python 3.7). Keys are
 * hashable values only: strings, ints, floats, bools, None and tuples of those.
 */
final class PyDict {
    final Map<Object, Object> items = new LinkedHashMap<>();
}
