package dev.jinn.io;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

/**
 * The allow-list: the only globals a pickle may name, and what calling each one means. Nothing outside this
 * list is ever resolved, and nothing on it runs Python code: each is a value constructor written here in Java.
 *
 * <ul>
 *   <li>{@code collections.OrderedDict}, {@code builtins.set}, {@code builtins.frozenset}: containers;</li>
 *   <li>{@code _codecs.encode}: how protocol 2 spells a {@code bytes} value ({@code latin1} text);</li>
 *   <li>{@code torch._utils._rebuild_tensor}, {@code _rebuild_tensor_v2}, {@code _rebuild_parameter},
 *       {@code _rebuild_parameter_with_state}: tensors and parameters, as strided views of a storage;</li>
 *   <li>{@code torch.DoubleStorage} … {@code torch.BoolStorage}: storage types, only inside a persistent id;</li>
 *   <li>{@code torch.Size} (a tuple), {@code torch.device} (its name, e.g. {@code cuda:0}) and the dtypes
 *       {@code torch.float32} … (their names, e.g. {@code torch.float32}).</li>
 * </ul>
 */
final class TorchGlobals {
    /** The dtypes a config dict may hold; they unpickle to their names. */
    private static final Set<String> DTYPES = Set.of("float64", "float32", "float16", "bfloat16", "int64", "int32",
            "int16", "int8", "uint8", "bool", "double", "float", "half", "long", "int", "short");
    private static final Set<String> CALLABLE = Set.of("collections.OrderedDict", "builtins.set",
            "builtins.frozenset", "_codecs.encode", "torch._utils._rebuild_tensor", "torch._utils._rebuild_tensor_v2",
            "torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state", "torch.Size",
            "torch.device");

    private TorchGlobals() {
    }

    /**
     * What GLOBAL or STACK_GLOBAL pushes for {@code module.name}.
     *
     * @throws TorchFileException naming the global when it is not on the allow-list
     */
    static Object resolve(PickleInput in, String pickledModule, String name) throws TorchFileException {
        // Protocol 2 spells Python 3's builtins module by its Python 2 name, as Python's own unpickler accepts.
        String module = pickledModule.equals("__builtin__") ? "builtins" : pickledModule;
        String dotted = module + "." + name;
        if (CALLABLE.contains(dotted)
                || module.equals("torch") && TorchDType.byStorageClass(name) != null) {
            return new PyGlobal(module, name);
        }
        if (module.equals("torch") && DTYPES.contains(name)) {
            return dotted;
        }
        if (module.equals("torch") && name.endsWith("Storage")) {
            throw in.defect("refused global " + dotted + ": a storage type jinn does not read (it reads float64, "
                    + "float32, float16, bfloat16, int64, int32, int16, int8, uint8 and bool)");
        }
        throw in.defect("refused global " + dotted + ": it is not on jinn's allow-list (tensors, parameters, "
                + "storages, OrderedDict, set, torch.Size, torch.device, dtypes); nothing was executed"
                + hint(module));
    }

    /** What the usual refused globals mean for the user who only wanted the weights. */
    private static String hint(String module) {
        if (module.startsWith("__torch__")) {
            return " (a TorchScript archive from torch.jit.save: save model.state_dict() with torch.save instead)";
        }
        return module.startsWith("torch.nn") || module.startsWith("__main__")
                ? " (a whole model was pickled: save model.state_dict() instead)" : "";
    }

    /**
     * What REDUCE (or NEWOBJ) of {@code callable} with {@code args} gives.
     *
     * @throws TorchFileException when the callable is not an allowed global or the arguments do not fit it
     */
    static Object call(PickleInput in, Object callable, Object args) throws TorchFileException {
        if (!(callable instanceof PyGlobal g) || !CALLABLE.contains(g.dotted())) {
            throw in.defect("refused call of " + Values.describe(callable) + ": only allow-listed constructors "
                    + "may be called");
        }
        if (!(args instanceof PyTuple a)) {
            throw in.defect(g.dotted() + " called with " + Values.describe(args) + " instead of an argument tuple");
        }
        switch (g.dotted()) {
            case "collections.OrderedDict": return orderedDict(in, a);
            case "builtins.set":
            case "builtins.frozenset": return set(in, a);
            case "_codecs.encode": return encode(in, a);
            case "torch._utils._rebuild_tensor":
                arity(in, g, a, 4, 4);
                return TensorRef.of(in, a.get(0), a.get(1), a.get(2), a.get(3));
            case "torch._utils._rebuild_tensor_v2":
                arity(in, g, a, 6, 7);
                noHooks(in, g, a.get(5));
                flag(in, g, a.get(4));
                return TensorRef.of(in, a.get(0), a.get(1), a.get(2), a.get(3));
            case "torch._utils._rebuild_parameter":
            case "torch._utils._rebuild_parameter_with_state":
                arity(in, g, a, g.name().endsWith("state") ? 4 : 3, g.name().endsWith("state") ? 4 : 3);
                flag(in, g, a.get(1));
                noHooks(in, g, a.get(2));
                if (!(a.get(0) instanceof TensorRef t)) {
                    throw in.defect(g.dotted() + " of " + Values.describe(a.get(0)) + " instead of a tensor");
                }
                return t.asParameter();
            case "torch.Size":
                arity(in, g, a, 1, 1);
                if (!(a.get(0) instanceof PyTuple sizes)) {
                    throw in.defect("torch.Size of " + Values.describe(a.get(0)));
                }
                return sizes;
            default: return device(in, g, a);
        }
    }

    /** BUILD: only an OrderedDict may get attributes (a state dict's {@code _metadata}, which jinn ignores). */
    static void build(PickleInput in, Object target, Object state) throws TorchFileException {
        if (!(target instanceof PyDict) || !(state instanceof PyDict || state == PyNone.NONE)) {
            throw in.defect("refused BUILD of " + Values.describe(target) + " with " + Values.describe(state)
                    + ": only an OrderedDict's attributes may be set");
        }
    }

    private static void arity(PickleInput in, PyGlobal g, PyTuple a, int min, int max) throws TorchFileException {
        if (a.size() < min || a.size() > max) {
            throw in.defect(g.dotted() + " called with " + a.size() + " arguments");
        }
    }

    private static void flag(PickleInput in, PyGlobal g, Object v) throws TorchFileException {
        if (!(v instanceof Boolean)) {
            throw in.defect(g.dotted() + ": requires_grad is " + Values.describe(v) + ", not a bool");
        }
    }

    /** Backward hooks are Python callables: a file that has any cannot be loaded without running code. */
    private static void noHooks(PickleInput in, PyGlobal g, Object hooks) throws TorchFileException {
        boolean empty = hooks == PyNone.NONE || hooks instanceof PyDict d && d.items.isEmpty();
        if (!empty) {
            throw in.defect(g.dotted() + " with backward hooks " + Values.describe(hooks) + " (refused)");
        }
    }

    /** The items of the one optional list argument that OrderedDict and set take. */
    private static List<Object> listArgument(PickleInput in, String what, PyTuple a) throws TorchFileException {
        if (a.size() == 0) {
            return List.of();
        }
        if (a.size() != 1 || !(a.get(0) instanceof PyList items)) {
            throw in.defect(what + " called with " + Values.describe(a) + " instead of a list");
        }
        return items.items;
    }

    private static PyDict orderedDict(PickleInput in, PyTuple a) throws TorchFileException {
        PyDict d = new PyDict();
        for (Object p : listArgument(in, "collections.OrderedDict", a)) {
            if (!(p instanceof PyTuple kv) || kv.size() != 2 || !Values.hashable(kv.get(0))) {
                throw in.defect("collections.OrderedDict item " + Values.describe(p) + " is not a (key, value) pair");
            }
            d.items.put(kv.get(0), kv.get(1));
        }
        return d;
    }

    private static PySet set(PickleInput in, PyTuple a) throws TorchFileException {
        PySet s = new PySet();
        for (Object o : listArgument(in, "set", a)) {
            if (!Values.hashable(o)) {
                throw in.defect("unhashable set element " + Values.describe(o));
            }
            s.items.add(o);
        }
        return s;
    }

    /** Protocol 2 pickles {@code bytes} as {@code _codecs.encode(text, 'latin1')}: the text's code points are the bytes. */
    private static byte[] encode(PickleInput in, PyTuple a) throws TorchFileException {
        if (a.size() != 2 || !(a.get(0) instanceof String text) || !List.of("latin1", "latin-1").contains(a.get(1))) {
            throw in.defect("_codecs.encode called with " + Values.describe(a) + " (only (text, 'latin1') is accepted)");
        }
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) > 0xFF) {
                throw in.defect("_codecs.encode: a character above U+00FF in latin1 text");
            }
        }
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String device(PickleInput in, PyGlobal g, PyTuple a) throws TorchFileException {
        arity(in, g, a, 1, 2);
        if (!(a.get(0) instanceof String type) || a.size() == 2 && !(a.get(1) instanceof Long)) {
            throw in.defect("torch.device called with " + Values.describe(a));
        }
        return a.size() == 2 ? type + ":" + a.get(1) : type;
    }
}
