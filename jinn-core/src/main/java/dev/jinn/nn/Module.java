package dev.jinn.nn;

import dev.jinn.autograd.Grad;
import dev.jinn.io.SafeTensors;
import dev.jinn.io.StateDictException;
import dev.jinn.io.TorchFiles;
import dev.jinn.tensor.DType;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.TensorScope;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The base of every network component, as PyTorch's {@code nn.Module}: registered parameters, buffers and
 * child modules with hierarchical names ({@code 0.weight}, {@code subnet.2.bias}), train/eval mode, dtype
 * conversion and state dicts.
 *
 * <p>Subclasses register what they own in their constructor ({@link #registerParameter},
 * {@link #registerBuffer}, {@link #registerModule}) and define their own {@code forward}; single-input layers
 * extend {@link Layer}. Registration order is kept, so names and state-dict order are deterministic.
 *
 * <p>{@link #loadStateDict(Map, boolean)} validates the whole dict first (missing, unexpected and
 * shape-mismatched keys are all reported in one {@link StateDictException}) and changes nothing unless
 * everything fits.
 */
public abstract class Module {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_]+");

    private final Map<String, Tensor> parameters = new LinkedHashMap<>();
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();
    private final Map<String, Boolean> persistent = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private boolean training = true;

    /** Creates an empty module in training mode. */
    protected Module() {
    }

    // ------------------------------------------------------------------------------------------------
    // Registration

    private void checkName(String kind, String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": invalid " + kind + " name '" + name
                    + "' (letters, digits and '_' only; dots separate levels)");
        }
        if (parameters.containsKey(name) || buffers.containsKey(name) || children.containsKey(name)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": the name '" + name
                    + "' is already registered");
        }
    }

    /**
     * Registers a trainable parameter (marked {@code requiresGrad(true)}); {@code null} registers an absent
     * optional parameter (such as a disabled bias) that is skipped everywhere.
     *
     * @param name  the local name, e.g. {@code weight}
     * @param value a floating-point leaf tensor, or null
     * @return the value
     */
    protected final Tensor registerParameter(String name, Tensor value) {
        checkName("parameter", name);
        parameters.put(name, asParameter(name, value));
        return value;
    }

    /**
     * Registers a buffer: state that is not trained (running statistics, fixed permutations).
     *
     * @param name       the local name
     * @param value      the tensor, or null
     * @param persistent whether it belongs in the state dict
     * @return the value
     */
    protected final Tensor registerBuffer(String name, Tensor value, boolean persistent) {
        checkName("buffer", name);
        buffers.put(name, TensorScope.persist(value)); // module state outlives any storage-reuse scope
        this.persistent.put(name, persistent);
        return value;
    }

    /**
     * Registers a child module, whose parameters and buffers appear under {@code name.}.
     *
     * @param name   the local name, e.g. {@code subnet} or {@code 0}
     * @param module the child
     * @param <M>    its type
     * @return the child
     */
    protected final <M extends Module> M registerModule(String name, M module) {
        checkName("module", name);
        if (module == null) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": module '" + name + "' is null");
        }
        children.put(name, module);
        return module;
    }

    /**
     * Replaces a registered child module (e.g. when a flow swaps one of its blocks); its parameters then
     * appear under the same prefix.
     *
     * @param name   the local name of an existing child
     * @param module the new child
     * @param <M>    its type
     * @return the new child
     */
    protected final <M extends Module> M replaceModule(String name, M module) {
        requireKey(children, "module", name);
        if (module == null) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": module '" + name + "' is null");
        }
        children.put(name, module);
        return module;
    }

    private Tensor asParameter(String name, Tensor value) {
        if (value == null) {
            return null;
        }
        if (!value.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": parameter '" + name
                    + "' must be floating point, got " + value.dtype());
        }
        if (!value.isLeaf()) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": parameter '" + name
                    + "' must be a leaf tensor (use detach() on a computed value)");
        }
        TensorScope.persist(value); // a parameter outlives any storage-reuse scope
        return value.requiresGrad() ? value : value.requiresGrad(true);
    }

    /**
     * Replaces a registered parameter (e.g. after a dtype change); the new tensor becomes a parameter.
     *
     * @param name  the local name
     * @param value the new tensor, or null
     */
    protected final void setParameter(String name, Tensor value) {
        requireKey(parameters, "parameter", name);
        parameters.put(name, asParameter(name, value));
    }

    /**
     * Replaces a registered buffer (e.g. updated running statistics).
     *
     * @param name  the local name
     * @param value the new tensor, or null
     */
    protected final void setBuffer(String name, Tensor value) {
        requireKey(buffers, "buffer", name);
        buffers.put(name, TensorScope.persist(value));
    }

    private void requireKey(Map<String, ?> map, String kind, String name) {
        if (!map.containsKey(name)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": no " + kind + " named '" + name + "'");
        }
    }

    /**
     * A parameter of this module (not of its children).
     *
     * @param name the local name
     * @return the tensor, or null for an absent optional parameter
     */
    public final Tensor parameter(String name) {
        requireKey(parameters, "parameter", name);
        return parameters.get(name);
    }

    /**
     * A buffer of this module (not of its children).
     *
     * @param name the local name
     * @return the tensor, or null
     */
    public final Tensor buffer(String name) {
        requireKey(buffers, "buffer", name);
        return buffers.get(name);
    }

    /**
     * A direct child module.
     *
     * @param name the local name
     * @return the child
     */
    public final Module child(String name) {
        requireKey(children, "module", name);
        return children.get(name);
    }

    // ------------------------------------------------------------------------------------------------
    // Traversal

    /**
     * The direct children in registration order.
     *
     * @return name → child
     */
    public final Map<String, Module> namedChildren() {
        return Collections.unmodifiableMap(children);
    }

    /**
     * The direct children in registration order.
     *
     * @return the children
     */
    public final List<Module> children() {
        return List.copyOf(children.values());
    }

    /**
     * This module and all its descendants, depth first, with dotted names ({@code ""} for this one).
     *
     * @return name → module
     */
    public final Map<String, Module> namedModules() {
        Map<String, Module> out = new LinkedHashMap<>();
        collectModules("", out);
        return out;
    }

    private void collectModules(String prefix, Map<String, Module> out) {
        out.put(prefix, this);
        for (Map.Entry<String, Module> e : children.entrySet()) {
            e.getValue().collectModules(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), out);
        }
    }

    /**
     * All parameters, with hierarchical names; a tensor shared by several modules appears once, under its
     * first name.
     *
     * @return name → parameter, in registration order
     */
    public final Map<String, Tensor> namedParameters() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        Map<Tensor, Boolean> seen = new IdentityHashMap<>();
        for (Map.Entry<String, Module> m : namedModules().entrySet()) {
            for (Map.Entry<String, Tensor> p : m.getValue().parameters.entrySet()) {
                if (p.getValue() != null && seen.put(p.getValue(), Boolean.TRUE) == null) {
                    out.put(qualified(m.getKey(), p.getKey()), p.getValue());
                }
            }
        }
        return out;
    }

    /**
     * All parameters, for handing to an optimizer.
     *
     * @return the parameters in registration order, each once
     */
    public final List<Tensor> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    /**
     * All buffers (persistent or not), with hierarchical names.
     *
     * @return name → buffer
     */
    public final Map<String, Tensor> namedBuffers() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Module> m : namedModules().entrySet()) {
            for (Map.Entry<String, Tensor> b : m.getValue().buffers.entrySet()) {
                if (b.getValue() != null) {
                    out.put(qualified(m.getKey(), b.getKey()), b.getValue());
                }
            }
        }
        return out;
    }

    private static String qualified(String prefix, String name) {
        return prefix.isEmpty() ? name : prefix + "." + name;
    }

    /**
     * The number of trainable values.
     *
     * @return the total element count of all parameters
     */
    public final long parameterCount() {
        long n = 0;
        for (Tensor p : parameters()) {
            n += p.numel();
        }
        return n;
    }

    // ------------------------------------------------------------------------------------------------
    // Modes, gradients, dtype

    /**
     * Switches this module and all descendants to training mode (dropout active, batch statistics used).
     *
     * @return this module
     */
    public final Module train() {
        return train(true);
    }

    /**
     * Switches this module and all descendants to training or evaluation mode.
     *
     * @param mode true for training
     * @return this module
     */
    public Module train(boolean mode) {
        for (Module m : namedModules().values()) {
            m.training = mode;
        }
        return this;
    }

    /**
     * Switches this module and all descendants to evaluation mode.
     *
     * @return this module
     */
    public final Module eval() {
        return train(false);
    }

    /**
     * Whether this module is in training mode.
     *
     * @return true in training mode
     */
    public final boolean isTraining() {
        return training;
    }

    /** Forgets the accumulated gradients of all parameters. */
    public final void zeroGrad() {
        for (Tensor p : parameters()) {
            p.zeroGrad();
        }
    }

    /**
     * Converts all floating-point parameters and buffers to {@code dtype} (integer buffers keep their type).
     * Parameters are replaced by new leaf tensors: hand the new {@link #parameters()} to any optimizer.
     *
     * @param dtype FLOAT32 or FLOAT64
     * @return this module
     */
    public Module to(DType dtype) {
        if (!dtype.isFloatingPoint()) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ".to: expected a floating-point dtype, got "
                    + dtype);
        }
        Map<Tensor, Tensor> converted = new IdentityHashMap<>();
        for (Module m : namedModules().values()) {
            for (Map.Entry<String, Tensor> p : m.parameters.entrySet()) {
                Tensor t = p.getValue();
                if (t != null && t.dtype() != dtype) {
                    p.setValue(converted.computeIfAbsent(t, k -> k.detach().to(dtype).requiresGrad(true)));
                }
            }
            for (Map.Entry<String, Tensor> b : m.buffers.entrySet()) {
                Tensor t = b.getValue();
                if (t != null && t.dtype().isFloatingPoint() && t.dtype() != dtype) {
                    b.setValue(converted.computeIfAbsent(t, k -> k.to(dtype)));
                }
            }
        }
        return this;
    }

    // ------------------------------------------------------------------------------------------------
    // State dicts

    /**
     * Parameters and persistent buffers by hierarchical name, as in PyTorch (the tensors themselves, not
     * copies).
     *
     * @return name → tensor, in registration order
     */
    public final Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Module> m : namedModules().entrySet()) {
            Module mod = m.getValue();
            for (Map.Entry<String, Tensor> p : mod.parameters.entrySet()) {
                if (p.getValue() != null) {
                    out.put(qualified(m.getKey(), p.getKey()), p.getValue());
                }
            }
            for (Map.Entry<String, Tensor> b : mod.buffers.entrySet()) {
                if (b.getValue() != null && mod.persistent.get(b.getKey())) {
                    out.put(qualified(m.getKey(), b.getKey()), b.getValue());
                }
            }
        }
        return out;
    }

    /**
     * Copies values from a state dict into this module's parameters and persistent buffers (converting
     * dtypes). Everything is checked before anything is written: with {@code strict}, missing and unexpected
     * keys are errors; shape mismatches always are. On error nothing changes.
     *
     * @param state  name → tensor
     * @param strict require exactly the module's keys
     * @throws StateDictException listing every problem at once
     */
    public final void loadStateDict(Map<String, Tensor> state, boolean strict) {
        Map<String, Tensor> own = stateDict();
        List<String> missing = new ArrayList<>();
        List<String> unexpected = new ArrayList<>();
        List<String> mismatched = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : own.entrySet()) {
            Tensor given = state.get(e.getKey());
            if (given == null) {
                missing.add(e.getKey());
            } else if (!Arrays.equals(given.shape(), e.getValue().shape())) {
                mismatched.add(e.getKey() + ": expected " + Arrays.toString(e.getValue().shape()) + ", got "
                        + Arrays.toString(given.shape()));
            }
        }
        for (String key : state.keySet()) {
            if (!own.containsKey(key)) {
                unexpected.add(key);
            }
        }
        if (!mismatched.isEmpty() || (strict && (!missing.isEmpty() || !unexpected.isEmpty()))) {
            throw new StateDictException(getClass().getSimpleName(), missing, unexpected, mismatched);
        }
        try (Grad.Scope g = Grad.disabled()) {
            for (Map.Entry<String, Tensor> e : own.entrySet()) {
                Tensor given = state.get(e.getKey());
                if (given != null) {
                    e.getValue().copyFrom(given);
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Printing

    /**
     * Extra text shown in this module's line of {@link #toString()}, e.g. {@code in_features=2, out_features=512}.
     *
     * @return the description, empty by default
     */
    protected String extraRepr() {
        return "";
    }

    /**
     * A tree of the module and its children, like PyTorch's, with the parameter count of each subtree.
     *
     * @return the text
     */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        appendTree(sb, "");
        return sb.toString();
    }

    private void appendTree(StringBuilder sb, String indent) {
        sb.append(getClass().getSimpleName()).append('(').append(extraRepr());
        if (children.isEmpty()) {
            sb.append(')');
        } else {
            sb.append('\n');
            for (Map.Entry<String, Module> e : children.entrySet()) {
                sb.append(indent).append("  (").append(e.getKey()).append("): ");
                e.getValue().appendTree(sb, indent + "  ");
                sb.append('\n');
            }
            sb.append(indent).append(')');
        }
        long count = parameterCount();
        if (count > 0) {
            sb.append("  # ").append(String.format(java.util.Locale.ROOT, "%,d", count)).append(" parameters");
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Files

    /**
     * Saves the {@link #stateDict()} as a safetensors file, with the metadata {@code format=jinn} and
     * {@code module=}<i>class name</i>. The file is written to a temporary file and atomically moved into place,
     * so an existing file is replaced completely or not at all.
     *
     * @param path the file to create or replace
     * @throws IOException when the file cannot be written
     */
    public final void save(Path path) throws IOException {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("format", "jinn");
        metadata.put("module", getClass().getName());
        SafeTensors.write(path, stateDict(), metadata);
    }

    /**
     * Loads a safetensors or PyTorch ({@code .pt}/{@code .pth}) file into this module, requiring exactly the
     * module's keys; see {@link #load(Path, boolean, String)}.
     *
     * @param path the file
     * @throws IOException when the file cannot be read or is not a valid safetensors or PyTorch file
     *                     ({@link dev.jinn.io.SafeTensorsException}, {@link dev.jinn.io.TorchFileException})
     * @throws StateDictException when the file's tensors do not fit the module
     */
    public final void load(Path path) throws IOException {
        load(path, true);
    }

    /**
     * Loads a safetensors or PyTorch file into this module, the state dict searched for in a checkpoint; see
     * {@link #load(Path, boolean, String)}.
     *
     * @param path   the file
     * @param strict require exactly the module's keys
     * @throws IOException when the file cannot be read or is not a valid safetensors or PyTorch file
     * @throws StateDictException when the file's tensors do not fit the module (the message names the file)
     */
    public final void load(Path path, boolean strict) throws IOException {
        load(path, strict, null);
    }

    /**
     * Loads a safetensors file (written by {@link #save} or by any other safetensors writer) or a file written
     * by {@code torch.save} into this module; the kind is told by content, not by name, and a PyTorch file is
     * read by {@link dev.jinn.io.TorchFiles}, which never runs its pickle. In a checkpoint dict the state dict
     * is found under {@code state_dict}, {@code model} or {@code model_state_dict}, or under {@code prefix}.
     * The file is read and validated completely first, then handed to {@link #loadStateDict(Map, boolean)},
     * which checks every key and shape before writing anything: a bad file or a dict that does not fit leaves
     * the module unchanged. Values are converted to the dtypes of the module's tensors.
     *
     * @param path   the file
     * @param strict require exactly the module's keys
     * @param prefix the key of the state dict inside the file (e.g. {@code model.}), or null to search
     * @throws IOException when the file cannot be read, is not a valid safetensors or PyTorch file, or has no
     *                     tensor under {@code prefix}
     * @throws StateDictException when the file's tensors do not fit the module (the message names the file)
     */
    public final void load(Path path, boolean strict, String prefix) throws IOException {
        Map<String, Tensor> tensors = TorchFiles.readStateDict(path, prefix);
        try {
            loadStateDict(tensors, strict);
        } catch (StateDictException e) {
            StateDictException named = new StateDictException(getClass().getSimpleName() + " from " + path,
                    e.missing(), e.unexpected(), e.mismatched());
            named.initCause(e);
            throw named;
        }
    }
}
