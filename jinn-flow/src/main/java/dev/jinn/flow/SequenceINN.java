package dev.jinn.flow;

import dev.jinn.autograd.Grad;
import dev.jinn.nn.ModuleList;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;

/**
 * A chain of invertible modules with one input and one output each (FrEIA's {@code SequenceINN}): the simple
 * way to build a flow. Each appended spec is built for the previous module's output shape; the whole chain
 * is itself an {@link InvertibleModule}.
 *
 * <p>Conditions are numbered: {@link #append(ModuleSpec, int, int...)} gives a module the condition with that
 * index from the list passed to {@link #forward(Tensor, List)}. Indices are assigned densely (a new index is
 * the next unused one), and all modules using an index agree on its shape.
 *
 * <p>State-dict keys are FrEIA's: {@code module_list.{k}.…}.
 *
 * <pre>{@code
 * var inn = new SequenceINN(2);
 * for (int k = 0; k < 8; k++) inn.append(AllInOneBlock.builder().subnet(Subnets.mlp(512)));
 * FlowResult r = inn.forward(x);          // r.output(), r.logDet()
 * Tensor back = inn.inverse(r.output()).output();
 * }</pre>
 */
public final class SequenceINN extends InvertibleModule implements Iterable<InvertibleModule> {
    private final ModuleList moduleList;
    private final List<InvertibleModule> modules = new ArrayList<>();
    /** For each module, the index of its condition, or -1. */
    private final List<Integer> conditionIndex = new ArrayList<>();
    private final List<Shape> conditionShapes = new ArrayList<>();
    /** For each module, whether it runs memory-saving in training (see {@link #memorySaving(boolean)}). */
    private final List<Boolean> memorySaving = new ArrayList<>();
    private boolean memorySavingDefault;

    /**
     * An empty chain (the identity) for samples of the given shape.
     *
     * @param dims the per-sample input shape, e.g. {@code 2} or {@code 3, 32, 32}
     */
    public SequenceINN(int... dims) {
        this(Shape.of(dims));
    }

    /**
     * An empty chain for samples of the given shape.
     *
     * @param dims the per-sample input shape
     */
    public SequenceINN(Shape dims) {
        super(List.of(dims), List.of());
        this.moduleList = registerModule("module_list", new ModuleList());
    }

    /**
     * Appends an unconditional module.
     *
     * @param spec a builder, a lambda, or a module instance built for the current output shape
     * @return this chain
     */
    public SequenceINN append(ModuleSpec spec) {
        return add(spec, -1, null);
    }

    /**
     * Appends a module that receives condition {@code condIndex} of shape {@code condShape}.
     *
     * @param spec      a builder, a lambda, or a module instance
     * @param condIndex the index into the condition list of {@code forward}; an index already in use, or the
     *                  next free one
     * @param condShape the per-sample shape of that condition
     * @return this chain
     */
    public SequenceINN append(ModuleSpec spec, int condIndex, int... condShape) {
        return add(spec, condIndex, Shape.of(condShape));
    }

    private SequenceINN add(ModuleSpec spec, int condIndex, Shape condShape) {
        String who = "SequenceINN.append (module " + modules.size() + ")";
        if (spec == null) {
            throw new IllegalArgumentException(who + ": the module spec is null");
        }
        if (condIndex >= 0) {
            if (condIndex > conditionShapes.size()) {
                throw new IllegalArgumentException(who + ": condition index " + condIndex + " skips unused indices;"
                        + " the next new index is " + conditionShapes.size());
            }
            if (condIndex < conditionShapes.size() && !conditionShapes.get(condIndex).equals(condShape)) {
                throw new IllegalArgumentException(who + ": condition " + condIndex + " has shape "
                        + conditionShapes.get(condIndex) + " for earlier modules, got " + condShape);
            }
        } else if (condIndex != -1) {
            throw new IllegalArgumentException(who + ": condition index must be >= 0, got " + condIndex);
        }
        List<Shape> in = List.of(outputShape());
        List<Shape> dimsC = condIndex >= 0 ? List.of(condShape) : List.of();
        InvertibleModule m = spec.build(in, dimsC);
        checkFits(who, m, in, dimsC);
        if (condIndex == conditionShapes.size()) {
            conditionShapes.add(condShape);
        }
        modules.add(m);
        conditionIndex.add(condIndex);
        memorySaving.add(memorySavingDefault);
        moduleList.add(m);
        return this;
    }

    private static void checkFits(String who, InvertibleModule m, List<Shape> in, List<Shape> dimsC) {
        if (m == null) {
            throw new IllegalArgumentException(who + ": the spec built null");
        }
        if (!m.dimsIn().equals(in) || !m.dimsC().equals(dimsC)) {
            throw new IllegalArgumentException(who + ": " + m.describe() + " has inputs " + m.dimsIn()
                    + " and conditions " + m.dimsC() + ", expected " + in + " and " + dimsC);
        }
        if (m.dimsOut().size() != 1) {
            throw new IllegalArgumentException(who + ": " + m.describe() + " has " + m.dimsOut().size()
                    + " outputs; a SequenceINN module must have exactly one (use GraphINN)");
        }
    }

    /**
     * The chain: input, modules by position with their classes and shapes, output, conditions as dashed edges as Graphviz DOT text (FrEIA's {@code plot_graph}): see {@link DotGraph}.
     *
     * @return the DOT text
     */
    public String toDot() {
        return DotGraph.of(this).toString();
    }

    /**
     * The current per-sample output shape (the input shape while the chain is empty).
     *
     * @return the shape
     */
    public Shape outputShape() {
        return modules.isEmpty() ? dimsIn().get(0) : modules.get(modules.size() - 1).dimsOut().get(0);
    }

    /** The condition shapes by index. */
    @Override
    public List<Shape> dimsC() {
        return Collections.unmodifiableList(conditionShapes);
    }

    /** Runs the modules in order (reversed order and direction when {@code reverse}), summing the log-dets. */
    @Override
    public FlowResult forward(List<Tensor> x, List<Tensor> c, boolean reverse, boolean computeLogDet) {
        if (x.size() != 1) {
            throw new IllegalArgumentException("SequenceINN: expected 1 input, got " + x.size());
        }
        if (c.size() < conditionShapes.size()) {
            throw new IllegalArgumentException("SequenceINN: got " + c.size() + " conditions, but the modules use "
                    + conditionShapes.size() + " " + conditionShapes);
        }
        Tensor h = x.get(0);
        Tensor logDet = null;
        int n = modules.size();
        // Memory saving matters only where a graph is recorded, i.e. in a forward pass with autograd on.
        MemorySavingRun saving = !reverse && Grad.isEnabled() && memorySaving.contains(true)
                ? new MemorySavingRun() : null;
        for (int step = 0; step < n; step++) {
            int k = reverse ? n - 1 - step : step;
            int ci = conditionIndex.get(k);
            List<Tensor> cond = ci >= 0 ? List.of(c.get(ci)) : List.of();
            String who = "SequenceINN module " + k + " (" + modules.get(k).describe() + ")";
            FlowResult r = saving != null && memorySaving.get(k)
                    ? saving.block(modules.get(k), who, List.of(h), cond)
                    : ModuleCall.run(modules.get(k), who, List.of(h), cond, reverse, computeLogDet);
            h = r.output();
            if (computeLogDet) {
                logDet = logDet == null ? r.logDet() : logDet.add(r.logDet());
            }
        }
        if (saving != null) {
            saving.finish();
        }
        return FlowResult.of(h, logDet == null ? Tensors.zeros(h.dtype(), h.size(0)) : logDet);
    }

    /**
     * Switches memory-saving backprop on or off for every module, present and appended later. In a training
     * forward pass (autograd on) a memory-saving module keeps none of its activations: the backward pass
     * rebuilds each module's input from its output with the inverse and re-runs the module's forward pass on
     * it, so the memory of training no longer grows with depth, for about one more forward pass and one
     * inverse per module. Gradients equal ordinary backprop up to rounding (up to the inverse's tolerance for
     * fixed-point inverses). Modules that cannot be recomputed exactly (dropout or batch statistics in
     * training mode, {@link Stateful} modules) are refused with a clear error at the forward pass; gradients
     * of gradients are not available through memory-saving modules.
     *
     * @param on whether to save memory
     * @return this chain
     */
    public SequenceINN memorySaving(boolean on) {
        memorySavingDefault = on;
        Collections.fill(memorySaving, on);
        return this;
    }

    /**
     * Switches memory-saving backprop for one module (see {@link #memorySaving(boolean)}).
     *
     * @param k  the module's position; negative counts from the end
     * @param on whether that module saves memory
     * @return this chain
     */
    public SequenceINN memorySaving(int k, boolean on) {
        memorySaving.set(position(k, "memorySaving"), on);
        return this;
    }

    /**
     * Whether a module runs memory-saving in training.
     *
     * @param k the module's position; negative counts from the end
     * @return true when it does
     */
    public boolean isMemorySaving(int k) {
        return memorySaving.get(position(k, "isMemorySaving"));
    }

    /** The output shape after all modules. */
    @Override
    public List<Shape> outputDims(List<Shape> inputDims) {
        if (!inputDims.equals(dimsIn())) {
            throw new IllegalArgumentException("SequenceINN: built for inputs " + dimsIn() + ", got " + inputDims);
        }
        return List.of(outputShape());
    }

    /**
     * The module at a position.
     *
     * @param k 0-based; negative counts from the end
     * @return the module
     */
    public InvertibleModule get(int k) {
        return modules.get(position(k, "get"));
    }

    /**
     * Replaces the module at a position by one with the same input, output and condition shapes.
     *
     * @param k      0-based; negative counts from the end
     * @param module the new module
     */
    public void set(int k, InvertibleModule module) {
        int i = position(k, "set");
        InvertibleModule old = modules.get(i);
        String who = "SequenceINN.set(" + k + ")";
        if (module == null) {
            throw new IllegalArgumentException(who + ": the module is null");
        }
        if (!module.dimsIn().equals(old.dimsIn()) || !module.dimsOut().equals(old.dimsOut())
                || !module.dimsC().equals(old.dimsC())) {
            throw new IllegalArgumentException(who + ": " + module.describe() + " maps " + module.dimsIn() + " -> "
                    + module.dimsOut() + " with conditions " + module.dimsC() + ", but the slot needs "
                    + old.dimsIn() + " -> " + old.dimsOut() + " with conditions " + old.dimsC());
        }
        modules.set(i, module);
        moduleList.set(i, module);
    }

    /**
     * The number of modules.
     *
     * @return the length of the chain
     */
    public int size() {
        return modules.size();
    }

    /**
     * The condition index of the module at a position.
     *
     * @param k 0-based; negative counts from the end
     * @return the index into the condition list, or -1 for an unconditional module
     */
    public int conditionIndex(int k) {
        return conditionIndex.get(position(k, "conditionIndex"));
    }

    /**
     * A new chain sharing the selected modules, with Python's slice semantics {@code seq[start:end:step]}
     * (bounds clamped, negative bounds count from the end). A negative step runs the selected modules in
     * reverse order, each wrapped in {@link Inverse}, so {@code seq.slice(n, -n-1, -1)} is the inverse chain.
     *
     * @param start first position (inclusive); for a negative step, e.g. {@code size() - 1}
     * @param end   last position (exclusive)
     * @param step  non-zero stride
     * @return the new chain (possibly empty)
     */
    public SequenceINN slice(int start, int end, int step) {
        if (step == 0) {
            throw new IllegalArgumentException("SequenceINN.slice: step must not be 0");
        }
        List<Integer> picked = new ArrayList<>();
        int n = modules.size();
        if (step > 0) {
            for (int i = clamp(start, n, 0, n); i < clamp(end, n, 0, n); i += step) {
                picked.add(i);
            }
        } else {
            for (int i = clamp(start, n, -1, n - 1); i > clamp(end, n, -1, n - 1); i += step) {
                picked.add(i);
            }
        }
        Shape first = picked.isEmpty() ? outputShapeAt(clamp(start, n, 0, n))
                : step > 0 ? modules.get(picked.get(0)).dimsIn().get(0)
                : modules.get(picked.get(0)).dimsOut().get(0);
        SequenceINN out = new SequenceINN(first);
        // Conditions keep their indices; the new chain registers them in the order it meets them.
        for (int i : picked) {
            InvertibleModule m = step > 0 ? modules.get(i) : new Inverse(modules.get(i));
            int ci = conditionIndex.get(i);
            out.adopt(m, ci, ci >= 0 ? conditionShapes.get(ci) : null);
        }
        return out;
    }

    private Shape outputShapeAt(int k) {
        return k == 0 ? dimsIn().get(0) : modules.get(k - 1).dimsOut().get(0);
    }

    /** Appends a built module keeping its condition index (slices may use indices sparsely). */
    private void adopt(InvertibleModule m, int condIndex, Shape condShape) {
        if (condIndex >= 0) {
            while (conditionShapes.size() <= condIndex) {
                conditionShapes.add(null);
            }
            conditionShapes.set(condIndex, condShape);
        }
        modules.add(m);
        conditionIndex.add(condIndex);
        memorySaving.add(memorySavingDefault);
        moduleList.add(m);
    }

    private static int clamp(int index, int n, int lo, int hi) {
        int i = index < 0 ? index + n : index;
        return Math.max(lo, Math.min(hi, i));
    }

    private int position(int k, String method) {
        int i = k < 0 ? k + modules.size() : k;
        if (i < 0 || i >= modules.size()) {
            throw new IndexOutOfBoundsException("SequenceINN." + method + ": index " + k + " out of range for "
                    + modules.size() + " modules");
        }
        return i;
    }

    /** The modules in order. */
    @Override
    public Iterator<InvertibleModule> iterator() {
        return Collections.unmodifiableList(modules).iterator();
    }
}
