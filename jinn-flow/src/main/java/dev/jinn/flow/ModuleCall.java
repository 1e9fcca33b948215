package dev.jinn.flow;

import dev.jinn.tensor.DType;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.util.Arrays;
import java.util.List;

/**
 * Runs one invertible module the way every container does: checks what goes in (count, per-sample shapes,
 * batch sizes, dtypes), runs the module, checks what comes out, and brings the log-det to shape {@code [B]}.
 * One place for all of it, so {@link SequenceINN}, graphs, {@link Inverse} and the convenience methods give
 * the same messages.
 */
public final class ModuleCall {
    private ModuleCall() {
    }

    /**
     * Runs a module with full checking.
     *
     * @param module        the module
     * @param who           how to name it in messages (a node name, a position in a sequence)
     * @param x             inputs (forward) or outputs (reverse)
     * @param c             conditions
     * @param reverse       direction
     * @param computeLogDet whether the log-det is wanted (zeros are returned otherwise)
     * @return the outputs and a {@code [B]} log-det
     * @throws IllegalArgumentException for wrong inputs, naming {@code who}, the expected and the actual shapes
     * @throws FlowException            wrapping an exception thrown by the module itself
     */
    public static FlowResult run(InvertibleModule module, String who, List<Tensor> x, List<Tensor> c,
            boolean reverse, boolean computeLogDet) {
        List<Shape> expectedIn = reverse ? module.dimsOut() : module.dimsIn();
        List<Shape> expectedOut = reverse ? module.dimsIn() : module.dimsOut();
        List<Tensor> conditions = c == null ? List.of() : c;
        int batch = checkTensors(who, reverse ? "output" : "input", x, expectedIn, -1, null);
        DType dtype = x.get(0).dtype();
        checkTensors(who, "condition", conditions, module.dimsC(), batch, dtype);
        FlowResult r;
        try {
            r = module.forward(x, conditions, reverse, computeLogDet);
        } catch (IllegalArgumentException | IllegalStateException | ArithmeticException
                | UnsupportedOperationException e) {
            throw new FlowException(who, e);
        }
        return checkResult(who, r, expectedOut, batch, dtype, reverse, computeLogDet);
    }

    /**
     * Checks a module's result and brings its log-det to {@code [B]} (zeros when not requested and absent).
     *
     * @param who           how to name the module
     * @param r             what it returned
     * @param expectedOut   the shapes it must return
     * @param batch         the batch size
     * @param dtype         the dtype of the inputs
     * @param reverse       direction (for messages)
     * @param computeLogDet whether a log-det was requested
     * @return the result with a {@code [B]} log-det
     */
    static FlowResult checkResult(String who, FlowResult r, List<Shape> expectedOut, int batch, DType dtype,
            boolean reverse, boolean computeLogDet) {
        if (r == null) {
            throw new IllegalStateException(who + " returned null");
        }
        List<Tensor> out = r.outputs();
        String dir = reverse ? "reverse" : "forward";
        if (out.size() != expectedOut.size()) {
            throw new IllegalStateException(who + " returned " + out.size() + " tensors in " + dir + ", expected "
                    + expectedOut.size());
        }
        for (int i = 0; i < out.size(); i++) {
            Tensor t = out.get(i);
            if (t == null || !expectedOut.get(i).matches(t) || t.size(0) != batch) {
                throw new IllegalStateException(who + " returned " + dir + " result " + i + " of shape "
                        + (t == null ? "null" : Arrays.toString(t.shape())) + ", expected "
                        + Arrays.toString(expectedOut.get(i).withBatch(batch)));
            }
        }
        return new FlowResult(out, normalizeLogDet(who, r.logDet(), batch, dtype, computeLogDet));
    }

    /**
     * Brings a module's log-det to shape {@code [B]}: a 0-dim or one-element tensor is broadcast, null is
     * accepted (as zeros) only when no log-det was requested.
     *
     * @param who           how to name the module
     * @param logDet        what it returned
     * @param batch         the batch size
     * @param dtype         the dtype for zeros
     * @param computeLogDet whether it was requested
     * @return a {@code [B]} tensor
     */
    static Tensor normalizeLogDet(String who, Tensor logDet, int batch, DType dtype, boolean computeLogDet) {
        if (logDet == null) {
            if (computeLogDet) {
                throw new IllegalStateException(who + " returned no log-det although one was requested");
            }
            return Tensors.zeros(dtype, batch);
        }
        int[] s = logDet.shape();
        if (s.length == 1 && s[0] == batch) {
            return logDet;
        }
        if (logDet.numel() == 1 && s.length <= 1) {
            return logDet.reshape(1).expand(batch);
        }
        throw new IllegalStateException(who + " returned a log-det of shape " + Arrays.toString(s) + ", expected ["
                + batch + "] (one value per sample) or a single value");
    }

    /**
     * Checks a list of batched tensors against shapes.
     *
     * @return the common batch size
     */
    private static int checkTensors(String who, String kind, List<Tensor> ts, List<Shape> expected, int batch,
            DType dtype) {
        if (ts == null) {
            throw new IllegalArgumentException(who + ": the " + kind + " list is null");
        }
        if (ts.size() != expected.size()) {
            throw new IllegalArgumentException(who + ": got " + ts.size() + " " + kind + (ts.size() == 1 ? "" : "s")
                    + ", but expected " + expected.size() + " " + expected);
        }
        int b = batch;
        DType dt = dtype;
        for (int i = 0; i < ts.size(); i++) {
            Tensor t = ts.get(i);
            if (t == null) {
                throw new IllegalArgumentException(who + ": " + kind + " " + i + " is null");
            }
            // A null shape marks a condition slot nobody reads (a slice of a SequenceINN keeps the indices).
            if (expected.get(i) != null && !expected.get(i).matches(t)) {
                throw new IllegalArgumentException(who + ": " + kind + " " + i + " has shape "
                        + Arrays.toString(t.shape()) + ", expected [B, " + inner(expected.get(i)) + "]");
            }
            if (b >= 0 && t.size(0) != b) {
                throw new IllegalArgumentException(who + ": " + kind + " " + i + " has batch size " + t.size(0)
                        + ", but the inputs have " + b);
            }
            b = t.size(0);
            if (!t.dtype().isFloatingPoint() || (dt != null && t.dtype() != dt)) {
                throw new IllegalArgumentException(who + ": " + kind + " " + i + " has dtype " + t.dtype()
                        + ", expected " + (dt == null ? "a floating-point dtype" : dt));
            }
            dt = t.dtype();
        }
        return b;
    }

    private static String inner(Shape s) {
        String t = Arrays.toString(s.dims());
        return t.substring(1, t.length() - 1);
    }
}
