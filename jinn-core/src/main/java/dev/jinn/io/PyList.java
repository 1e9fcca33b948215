package dev.jinn.io;

import java.util.ArrayList;
import java.util.List;

/**
 * A Python list (mutable: APPEND and APPENDS fill it after it is made, possibly with itself, so cycles are
 * possible and are detected where the value tree is walked).
 */
final class PyList {
    final List<Object> items = new ArrayList<>();
}
