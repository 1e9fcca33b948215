package dev.jinn.flow;

import dev.jinn.autograd.Function;
import dev.jinn.autograd.FunctionContext;
import dev.jinn.autograd.Grad;
import dev.jinn.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One application of an invertible block in memory-saving mode, as a custom autograd {@link Function}: the
 * forward pass runs the block without recording anything inside it and keeps nothing of its activations (only
 * the conditions, and inputs that no memory-saving block produced). The backward pass takes the block's output
 * from its {@link ActivationSlot}, reconstructs the input with the block's inverse (and hands it to the slot of
 * the block that produced it), re-runs the forward pass with recording on that input, and back-propagates the
 * incoming gradients through this small graph into the inputs, the conditions and the parameters.
 *
 * <p>The function's inputs are the block's inputs, its conditions and its trainable parameters, so the engine
 * routes every gradient as for an ordinary operation; its outputs are the block's outputs and its log-det.
 */
final class RecomputedBlock extends Function {
    private final InvertibleModule module;
    private final String who;
    private final int numInputs;
    private final int numConditions;
    private final List<Tensor> params;
    /** Per input, the slot of the memory-saving block that produced it, or null (then the input is kept). */
    private final List<ActivationSlot> inputSlots;
    private final List<ActivationSlot> outputSlots = new ArrayList<>();

    RecomputedBlock(InvertibleModule module, String who, int numInputs, int numConditions, List<Tensor> params,
            List<ActivationSlot> inputSlots) {
        this.module = module;
        this.who = who;
        this.numInputs = numInputs;
        this.numConditions = numConditions;
        this.params = params;
        this.inputSlots = inputSlots;
        for (int k = 0; k < module.dimsOut().size(); k++) {
            outputSlots.add(new ActivationSlot(who + " output " + k));
        }
    }

    /** The slots of this block's outputs, in order. */
    List<ActivationSlot> outputSlots() {
        return outputSlots;
    }

    @Override
    public String name() {
        return "MemorySavingBlockBackward";
    }

    @Override
    protected Tensor[] forward(FunctionContext ctx, Tensor... in) {
        List<Tensor> x = Arrays.asList(in).subList(0, numInputs);
        List<Tensor> c = Arrays.asList(in).subList(numInputs, numInputs + numConditions);
        FlowResult r = ModuleCall.run(module, who, x, c, false, true);
        Tensor[] kept = new Tensor[numInputs + numConditions];
        for (int i = 0; i < numInputs; i++) {
            kept[i] = inputSlots.get(i) == null ? x.get(i) : null;
        }
        for (int j = 0; j < numConditions; j++) {
            kept[numInputs + j] = c.get(j);
        }
        ctx.saveForBackward(kept);
        Tensor[] out = new Tensor[r.outputs().size() + 1];
        for (int k = 0; k < r.outputs().size(); k++) {
            out[k] = r.outputs().get(k);
            outputSlots.get(k).set(out[k]);
        }
        out[out.length - 1] = r.logDet();
        return out;
    }

    @Override
    protected Tensor[] backward(FunctionContext ctx, Tensor... grads) {
        if (Grad.isEnabled()) {
            throw new UnsupportedOperationException(who + ": memory-saving backprop does not give gradients of "
                    + "gradients (create_graph); turn memory saving off for double backward");
        }
        List<Tensor> kept = ctx.savedTensors();
        List<Tensor> c = kept.subList(numInputs, numInputs + numConditions);
        List<Tensor> x = reconstructInputs(kept, c);
        for (int i = 0; i < numInputs; i++) {
            if (inputSlots.get(i) != null) {
                inputSlots.get(i).set(x.get(i));
            }
        }
        for (ActivationSlot s : outputSlots) {
            s.release();
        }
        return recompute(ctx, x, c, grads);
    }

    /** The inputs: kept ones as they are, the others by running the block backwards from its outputs. */
    private List<Tensor> reconstructInputs(List<Tensor> kept, List<Tensor> c) {
        boolean allKept = kept.subList(0, numInputs).stream().allMatch(t -> t != null);
        if (allKept) {
            return new ArrayList<>(kept.subList(0, numInputs));
        }
        List<Tensor> y = new ArrayList<>();
        for (ActivationSlot s : outputSlots) {
            y.add(s.get());
        }
        FlowResult back = ModuleCall.run(module, who + " (reconstructing its input)", y, c, true, false);
        List<Tensor> x = new ArrayList<>();
        for (int i = 0; i < numInputs; i++) {
            x.add(kept.get(i) != null ? kept.get(i) : back.outputs().get(i));
        }
        return x;
    }

    /** Re-runs the forward pass with recording and back-propagates the incoming gradients through it. */
    private Tensor[] recompute(FunctionContext ctx, List<Tensor> x, List<Tensor> c, Tensor[] grads) {
        Tensor[] result = new Tensor[numInputs + numConditions + params.size()];
        List<Tensor> wrt = new ArrayList<>();
        List<Integer> slots = new ArrayList<>();
        try (var g = Grad.enabled()) {
            List<Tensor> xr = leaves(x, 0, ctx, wrt, slots);
            List<Tensor> cr = leaves(c, numInputs, ctx, wrt, slots);
            for (int p = 0; p < params.size(); p++) {
                int at = numInputs + numConditions + p;
                if (ctx.needsInputGrad(at)) {
                    wrt.add(params.get(p));
                    slots.add(at);
                }
            }
            FlowResult r = ModuleCall.run(module, who + " (recomputed)", xr, cr, false, true);
            List<Tensor> outs = new ArrayList<>(r.outputs());
            outs.add(r.logDet());
            if (wrt.isEmpty() || outs.stream().noneMatch(Tensor::requiresGrad)) {
                return result;
            }
            List<Tensor> got = Grad.grad(outs, wrt, Arrays.asList(grads), false, false);
            for (int i = 0; i < got.size(); i++) {
                result[slots.get(i)] = got.get(i);
            }
        }
        return result;
    }

    /** Fresh leaves for the recomputation, requiring a gradient where the engine wants one. */
    private static List<Tensor> leaves(List<Tensor> values, int offset, FunctionContext ctx, List<Tensor> wrt,
            List<Integer> slots) {
        List<Tensor> out = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            Tensor leaf = values.get(i).detach();
            if (ctx.needsInputGrad(offset + i)) {
                leaf.requiresGrad(true);
                wrt.add(leaf);
                slots.add(offset + i);
            }
            out.add(leaf);
        }
        return out;
    }
}
