package dev.jinn.model;

import dev.jinn.autograd.Grad;
import dev.jinn.flow.FlowResult;
import dev.jinn.flow.SequenceINN;
import dev.jinn.flow.inference.BatchInference;
import dev.jinn.tensor.DType;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.TensorScope;
import dev.jinn.tensor.Tensors;
import dev.jinn.train.Batch;
import dev.jinn.train.Nll;
import java.util.List;

/**
 * What a trained model computes for its users, in the data's units: the log-likelihood of rows (with their
 * latent codes) and samples pushed back from latent codes. Every driver (the command line's {@code score},
 * {@code sample} and plots, the Spark scorer and sampler) calls these, so the same rows give the same numbers
 * wherever they are scored. Inference runs in eval mode without autograd, through {@link BatchInference}
 * (blocks of rows side by side on the shared threads).
 */
public final class ModelInference {
    private ModelInference() {
    }

    /**
     * The forward pass of a batch.
     *
     * @param logLikelihood {@code log p(x)} per row in data units: the flow's log-density in model units minus
     *                      {@link DataTransform#nllOffset()}
     * @param latent        the latent codes {@code z = f(x')}, {@code [B, D]}, in the model's dtype
     */
    public record Scores(double[] logLikelihood, Tensor latent) {
    }

    /**
     * Scores a batch.
     *
     * @param model     the flow (put in eval mode)
     * @param transform its data transform
     * @param batch     the rows in model units with their encoded conditions ({@link DataTransform#toBatch})
     * @return the log-likelihoods and latent codes
     */
    public static Scores score(SequenceINN model, DataTransform transform, Batch batch) {
        try (var g = Grad.disabled()) {
            model.eval();
            FlowResult r = new BatchInference(model).forward(batch.x(), batch.conditions());
            double[] ll = Nll.perSample(r).to(DType.FLOAT64).toDoubleArray();
            double offset = transform.nllOffset();
            for (int i = 0; i < ll.length; i++) {
                ll[i] = -ll[i] - offset;
            }
            return new Scores(ll, r.output());
        }
    }

    /**
     * The per-row log-likelihood in data units of a batch.
     *
     * @param model     the flow
     * @param transform its data transform
     * @param batch     the rows in model units with their conditions
     * @return {@code log p(x)} per row
     */
    public static double[] logLikelihood(SequenceINN model, DataTransform transform, Batch batch) {
        try (TensorScope s = Tensors.scope()) { // only numbers leave: the pass's storages are recycled
            return score(model, transform, batch).logLikelihood();
        }
    }

    /**
     * Samples from given latent codes: {@code z} pushed through the inverse flow, mapped back to data units
     * (rounded and clipped for integer data).
     *
     * @param model      the flow
     * @param transform  its data transform
     * @param z          the latent codes {@code [n, D]}
     * @param conditions the encoded conditions, each {@code [n, C]}; empty for an unconditional model
     * @return the rows in data units
     */
    public static List<double[]> sample(SequenceINN model, DataTransform transform, Tensor z, List<Tensor> conditions) {
        try (var g = Grad.disabled(); TensorScope s = Tensors.scope()) {
            model.eval();
            return transform.fromModel(new BatchInference(model).inverse(z, conditions).output());
        }
    }
}
