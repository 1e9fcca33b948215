package dev.jinn.io;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A pickle virtual machine that builds values and never runs code. It knows the opcodes of protocols 2 to 5
 * that describe data (numbers, strings, bytes, tuples, lists, dicts, sets, memo, marks, frames, persistent ids);
 * a global is resolved only through the allow-list ({@link TorchGlobals}), REDUCE/NEWOBJ only call allow-listed
 * constructors, BUILD only sets an OrderedDict's attributes, and the opcodes that construct arbitrary objects
 * (INST, OBJ, NEWOBJ_EX, EXT*), the protocol-0 text opcodes and out-of-band buffers are refused.
 *
 * <p>Values are the small model of {@link PyTuple}, {@link PyList}, {@link PyDict}, {@link PySet},
 * {@link PyNone}, {@link PyGlobal}, {@link StorageRef}, {@link TensorRef}, and Java's {@code Long},
 * {@code BigInteger}, {@code Double}, {@code Boolean}, {@code String} and {@code byte[]}.
 */
final class Unpickler {
    private final PickleInput in;
    private final List<Object> stack = new ArrayList<>();
    private final List<Integer> marks = new ArrayList<>();
    private final Map<Long, Object> memo = new HashMap<>();
    private final List<StorageRef> storages;

    private Unpickler(PickleInput in, List<StorageRef> storages) {
        this.in = in;
        this.storages = storages;
    }

    /**
     * Reads one pickle, up to and including its STOP opcode.
     *
     * @param in the stream (left just after the STOP)
     * @return the value
     * @throws TorchFileException on any opcode, global or value that is refused, or a truncated stream
     */
    static Object load(PickleInput in) throws TorchFileException {
        return load(in, new ArrayList<>());
    }

    /**
     * Reads one pickle and collects the storages its persistent ids name.
     *
     * @param in       the stream (left just after the STOP)
     * @param storages receives every storage reference, in stream order
     * @return the value
     * @throws TorchFileException on any opcode, global or value that is refused, or a truncated stream
     */
    static Object load(PickleInput in, List<StorageRef> storages) throws TorchFileException {
        return new Unpickler(in, storages).run();
    }

    private Object run() throws TorchFileException {
        while (true) {
            int op = in.opcode();
            if (op == '.') {
                if (stack.size() != 1 || !marks.isEmpty()) {
                    throw in.defect("STOP with " + stack.size() + " values and " + marks.size()
                            + " marks on the stack (malformed pickle)");
                }
                return stack.get(0);
            }
            step(op);
        }
    }

    private void step(int op) throws TorchFileException {
        switch (op) {
            case 0x80: in.u8(); break;                                          // PROTO
            case 0x95: in.i64(); break;                                         // FRAME: a hint only
            case '(': marks.add(stack.size()); break;                           // MARK
            case 'N': push(PyNone.NONE); break;
            case 0x88: push(Boolean.TRUE); break;                               // NEWTRUE
            case 0x89: push(Boolean.FALSE); break;                              // NEWFALSE
            case 'J': push((long) in.i32()); break;                             // BININT
            case 'K': push((long) in.u8()); break;                              // BININT1
            case 'M': push((long) in.u16()); break;                             // BININT2
            case 0x8a: push(in.littleEndianInteger(in.u8())); break;            // LONG1
            case 0x8b: push(in.littleEndianInteger(in.i32())); break;           // LONG4
            case 'G': push(in.float64BigEndian()); break;                       // BINFLOAT
            case 'X': push(in.utf8(in.u32())); break;                           // BINUNICODE
            case 0x8c: push(in.utf8(in.u8())); break;                           // SHORT_BINUNICODE
            case 0x8d: push(in.utf8(in.i64())); break;                          // BINUNICODE8
            case 'T': push(PickleInput.latin1(in.take(in.i32(), "a string"))); break;   // BINSTRING (Python 2)
            case 'U': push(PickleInput.latin1(in.take(in.u8(), "a string"))); break;    // SHORT_BINSTRING
            case 'B': push(in.take(in.u32(), "bytes")); break;                  // BINBYTES
            case 'C': push(in.take(in.u8(), "bytes")); break;                   // SHORT_BINBYTES
            case 0x8e: push(in.take(in.i64(), "bytes")); break;                 // BINBYTES8
            case 0x96: push(in.take(in.i64(), "a bytearray")); break;           // BYTEARRAY8
            case ')': push(PyTuple.of(List.of())); break;                       // EMPTY_TUPLE
            case 't': push(tuple(popMark())); break;                            // TUPLE
            case 0x85: push(tuple(popN(1))); break;                             // TUPLE1
            case 0x86: push(tuple(popN(2))); break;                             // TUPLE2
            case 0x87: push(tuple(popN(3))); break;                             // TUPLE3
            case ']': push(new PyList()); break;                                // EMPTY_LIST
            case 'l': push(list(popMark())); break;                             // LIST
            case 'a': appendAll(List.of(pop())); break;                         // APPEND
            case 'e': appendAll(popMark()); break;                              // APPENDS
            case '}': push(new PyDict()); break;                                // EMPTY_DICT
            case 'd': push(setItems(new PyDict(), popMark())); break;           // DICT
            case 's': setItems(popN(2)); break;                                 // SETITEM
            case 'u': setItems(popMark()); break;                               // SETITEMS
            case 0x8f: push(new PySet()); break;                                // EMPTY_SET
            case 0x90: addItems(popMark()); break;                              // ADDITEMS
            case 0x91: push(addItems(new PySet(), popMark())); break;           // FROZENSET
            case 'c': push(TorchGlobals.resolve(in, in.line(), in.line())); break;      // GLOBAL
            case 0x93: stackGlobal(); break;                                    // STACK_GLOBAL
            case 'R':                                                           // REDUCE
            case 0x81: {                                                        // NEWOBJ (cls, args): same here
                Object args = pop();
                push(TorchGlobals.call(in, pop(), args));
                break;
            }
            case 'b': {                                                         // BUILD
                Object state = pop();
                TorchGlobals.build(in, top(), state);
                break;
            }
            case 'Q': {                                                         // BINPERSID
                StorageRef s = StorageRef.fromPersistentId(in, pop());
                storages.add(s);
                push(s);
                break;
            }
            case 'q': memo.put((long) in.u8(), top()); break;                   // BINPUT
            case 'r': memo.put(in.u32(), top()); break;                         // LONG_BINPUT
            case 0x94: memo.put((long) memo.size(), top()); break;              // MEMOIZE
            case 'h': push(memoGet(in.u8())); break;                            // BINGET
            case 'j': push(memoGet(in.u32())); break;                           // LONG_BINGET
            case '0': pop(); break;                                             // POP
            case '1': popMark(); break;                                         // POP_MARK
            case '2': push(top()); break;                                       // DUP
            default: throw refused(op);
        }
    }

    private TorchFileException refused(int op) {
        String name;
        switch (op) {
            case 'i': name = "INST (constructs an arbitrary object)"; break;
            case 'o': name = "OBJ (constructs an arbitrary object)"; break;
            case 0x92: name = "NEWOBJ_EX (constructs an arbitrary object)"; break;
            case 0x82: case 0x83: case 0x84: name = "EXT (an extension-registry global)"; break;
            case 'P': name = "PERSID (a text persistent id)"; break;
            case 0x97: case 0x98: name = "an out-of-band buffer"; break;
            case 'I': case 'L': case 'F': case 'S': case 'V': case 'p': case 'g':
                name = "a protocol-0 text opcode '" + (char) op + "' (torch.save writes protocol 2)"; break;
            default: name = String.format("unknown opcode 0x%02x", op);
        }
        return in.defect("refused " + name);
    }

    private void push(Object v) throws TorchFileException {
        if (v == null) {
            throw in.defect("a tuple nested more than " + PyTuple.MAX_DEPTH + " deep (a recursion bomb?)");
        }
        stack.add(v);
    }

    private Object pop() throws TorchFileException {
        int floor = marks.isEmpty() ? 0 : marks.get(marks.size() - 1);
        if (stack.size() <= floor) {
            throw in.defect("an opcode pops from an empty stack (malformed pickle)");
        }
        return stack.remove(stack.size() - 1);
    }

    private Object top() throws TorchFileException {
        Object v = pop();
        stack.add(v);
        return v;
    }

    private List<Object> popN(int n) throws TorchFileException {
        int floor = marks.isEmpty() ? 0 : marks.get(marks.size() - 1);
        if (stack.size() - floor < n) {
            throw in.defect("an opcode needs " + n + " values, the stack has " + (stack.size() - floor));
        }
        List<Object> tail = stack.subList(stack.size() - n, stack.size());
        List<Object> out = new ArrayList<>(tail);
        tail.clear();
        return out;
    }

    private List<Object> popMark() throws TorchFileException {
        if (marks.isEmpty()) {
            throw in.defect("an opcode needs a MARK and there is none (malformed pickle)");
        }
        int at = marks.remove(marks.size() - 1);
        List<Object> tail = stack.subList(at, stack.size());
        List<Object> out = new ArrayList<>(tail);
        tail.clear();
        return out;
    }

    private Object memoGet(long index) throws TorchFileException {
        Object v = memo.get(index);
        if (v == null) {
            throw in.defect("memo entry " + index + " read before it was written");
        }
        return v;
    }

    private static PyTuple tuple(List<Object> items) {
        return PyTuple.of(items);
    }

    private static PyList list(List<Object> items) {
        PyList l = new PyList();
        l.items.addAll(items);
        return l;
    }

    private void appendAll(List<Object> items) throws TorchFileException {
        if (!(top() instanceof PyList l)) {
            throw in.defect("APPEND to " + Values.describe(top()) + " (only lists take appends)");
        }
        l.items.addAll(items);
    }

    private void setItems(List<Object> keyValues) throws TorchFileException {
        if (!(top() instanceof PyDict d)) {
            throw in.defect("SETITEM on " + Values.describe(top()) + " (only dicts take items)");
        }
        setItems(d, keyValues);
    }

    private PyDict setItems(PyDict d, List<Object> keyValues) throws TorchFileException {
        if (keyValues.size() % 2 != 0) {
            throw in.defect("SETITEMS with an odd number of values");
        }
        for (int i = 0; i < keyValues.size(); i += 2) {
            Object key = keyValues.get(i);
            if (!Values.hashable(key)) {
                throw in.defect("unhashable dict key " + Values.describe(key));
            }
            d.items.put(key, keyValues.get(i + 1));
        }
        return d;
    }

    private void addItems(List<Object> items) throws TorchFileException {
        if (!(top() instanceof PySet s)) {
            throw in.defect("ADDITEMS to " + Values.describe(top()) + " (only sets take items)");
        }
        addItems(s, items);
    }

    private PySet addItems(PySet s, List<Object> items) throws TorchFileException {
        for (Object o : items) {
            if (!Values.hashable(o)) {
                throw in.defect("unhashable set element " + Values.describe(o));
            }
            s.items.add(o);
        }
        return s;
    }

    private void stackGlobal() throws TorchFileException {
        Object name = pop();
        Object module = pop();
        if (!(module instanceof String m) || !(name instanceof String n)) {
            throw in.defect("STACK_GLOBAL of " + Values.describe(module) + " and " + Values.describe(name));
        }
        push(TorchGlobals.resolve(in, m, n));
    }
}
