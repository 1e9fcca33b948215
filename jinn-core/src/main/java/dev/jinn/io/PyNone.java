package dev.jinn.io;

/** Python's {@code None} inside the unpickler (the stack cannot hold Java's null); it becomes null outside. */
enum PyNone {
    /** The one value. */
    NONE
}
