package dev.jinn.io;

import java.util.LinkedHashSet;
import java.util.Set;

/** A Python set or frozenset (of hashable values), in insertion order. */
final class PySet {
    final Set<Object> items = new LinkedHashSet<>();
}
