package dev.jinn.io;

/**
 * A global that the allow-list ({@link TorchGlobals}) accepted: a name to dispatch on when it is called, never
 * a Python object that could run anything.
 *
 * @param module the module, e.g. {@code torch._utils}
 * @param name   the name in it, e.g. {@code _rebuild_tensor_v2}
 */
record PyGlobal(String module, String name) {
    /** The dotted name, as messages show it. */
    String dotted() {
        return module + "." + name;
    }
}
