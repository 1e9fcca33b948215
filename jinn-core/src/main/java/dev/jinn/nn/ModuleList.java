package dev.jinn.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * An indexed list of child modules, as PyTorch's {@code nn.ModuleList}: the children are named {@code "0"},
 * {@code "1"}, ... so a container holding one under the name {@code module_list} gets PyTorch's state-dict
 * keys ({@code module_list.3.subnet.0.weight}). It has no forward of its own: the owner decides how the
 * children are applied.
 */
public final class ModuleList extends Module {
    private final List<Module> modules = new ArrayList<>();

    /** An empty list. */
    public ModuleList() {
    }

    /**
     * Appends a module, named by its position.
     *
     * @param module the module
     * @return this list
     */
    public ModuleList add(Module module) {
        if (module == null) {
            throw new IllegalArgumentException("ModuleList.add: module " + modules.size() + " is null");
        }
        registerModule(Integer.toString(modules.size()), module);
        modules.add(module);
        return this;
    }

    /**
     * The module at a position.
     *
     * @param index 0-based; negative counts from the end as in Python
     * @return the module
     */
    public Module get(int index) {
        return modules.get(position(index, "get"));
    }

    /**
     * Replaces the module at a position; it takes over the position's name.
     *
     * @param index  0-based; negative counts from the end
     * @param module the new module
     */
    public void set(int index, Module module) {
        int i = position(index, "set");
        replaceModule(Integer.toString(i), module);
        modules.set(i, module);
    }

    /**
     * The number of modules.
     *
     * @return the size
     */
    public int size() {
        return modules.size();
    }

    /**
     * The modules in order.
     *
     * @return an unmodifiable view
     */
    public List<Module> asList() {
        return Collections.unmodifiableList(modules);
    }

    private int position(int index, String method) {
        int i = index < 0 ? index + modules.size() : index;
        if (i < 0 || i >= modules.size()) {
            throw new IndexOutOfBoundsException("ModuleList." + method + ": index " + index + " out of range for "
                    + modules.size() + " modules");
        }
        return i;
    }
}
