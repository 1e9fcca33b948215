package dev.jinn.train;

import dev.jinn.autograd.Grad;
import dev.jinn.flow.FlowResult;
import dev.jinn.flow.InvertibleModule;
import dev.jinn.flow.ModuleCall;
import dev.jinn.flow.SequenceINN;
import dev.jinn.tensor.DType;
import dev.jinn.tensor.Tensor;
import java.util.List;
import java.util.Map;

/**
 * Turns a NaN or infinite loss or gradient into a {@link NonFiniteLossException} that says where it came from:
 * the input batch, the first module of a sequence whose output or log-det is not finite, or the first parameter
 * whose gradient is not, plus what became of the checkpoints and what usually helps.
 */
final class NonFiniteDiagnosis {
    private static final String ADVICE = "; try a lower learning rate, gradient clipping or a smaller clamp";

    private final InvertibleModule model;
    private final boolean locate;

    /**
     * A diagnosis for one model.
     *
     * @param model  the model being trained
     * @param locate whether to re-run a failing batch module by module to name where it went wrong
     */
    NonFiniteDiagnosis(InvertibleModule model, boolean locate) {
        this.model = model;
        this.locate = locate;
    }

    /**
     * The exception for a non-finite loss.
     *
     * @param step       the step that failed (1-based)
     * @param value      the loss
     * @param batch      the batch it was computed on
     * @param checkpoint what became of the checkpoints, as a clause starting with "; " (or empty)
     * @return the exception to throw
     */
    NonFiniteLossException loss(long step, double value, Batch batch, String checkpoint) {
        String where = locate ? locate(batch) : null;
        String msg = "training stopped at step " + step + ": the loss is " + value
                + (where == null ? "" : " (the first non-finite values appear in " + where + ")") + checkpoint
                + ADVICE;
        return new NonFiniteLossException(step, where, msg);
    }

    /**
     * The exception for a non-finite gradient (the parameters' gradients are still in place).
     *
     * @param step       the step that failed (1-based)
     * @param loss       the step's loss
     * @param checkpoint what became of the checkpoints, as a clause starting with "; " (or empty)
     * @return the exception to throw
     */
    NonFiniteLossException gradient(long step, double loss, String checkpoint) {
        String where = null;
        try (var g = Grad.disabled()) {
            for (Map.Entry<String, Tensor> e : model.namedParameters().entrySet()) {
                Tensor grad = e.getValue().grad();
                if (grad != null && !finite(grad)) {
                    where = "the gradient of parameter " + e.getKey();
                    break;
                }
            }
        }
        String msg = "training stopped at step " + step + ": a gradient is not finite (loss " + loss + ")"
                + (where == null ? "" : "; the first one is " + where) + checkpoint + ADVICE;
        return new NonFiniteLossException(step, where, msg);
    }

    /** Finds where non-finite values first appear: the input, a module of a sequence, or the whole flow. */
    private String locate(Batch batch) {
        try (var g = Grad.disabled()) {
            if (!finite(batch.x())) {
                return "the input batch";
            }
            if (model instanceof SequenceINN seq) {
                Tensor h = batch.x();
                for (int k = 0; k < seq.size(); k++) {
                    int ci = seq.conditionIndex(k);
                    List<Tensor> cond = ci >= 0 ? List.of(batch.conditions().get(ci)) : List.of();
                    String who = "module " + k + " (" + seq.get(k).describe() + ")";
                    FlowResult r = ModuleCall.run(seq.get(k), who, List.of(h), cond, false, true);
                    if (!finite(r.output())) {
                        return "the output of " + who;
                    }
                    if (!finite(r.logDet())) {
                        return "the log-det of " + who;
                    }
                    h = r.output();
                }
                return "the NLL (values too large for " + h.dtype() + ")";
            }
            FlowResult r = model.forward(batch.x(), batch.conditions());
            return !finite(r.output()) ? "the output of " + model.describe()
                    : !finite(r.logDet()) ? "the log-det of " + model.describe() : "the NLL";
        } catch (RuntimeException e) {
            // The diagnosis is a courtesy: a second failure while re-running must not hide the first one.
            return null;
        }
    }

    private static boolean finite(Tensor t) {
        return Double.isFinite(t.to(DType.FLOAT64).abs().sum().item());
    }
}
