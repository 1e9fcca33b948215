package dev.jinn.train;

import dev.jinn.optim.Adam;
import dev.jinn.optim.AdamW;
import dev.jinn.optim.Optimizer;
import dev.jinn.tensor.Tensor;
import java.util.List;

/**
 * Makes the optimizer of a {@link Trainer} for the model's parameters, from the run's settings (the learning
 * rate and weight decay the schedule and the checkpoints refer to). The trainer calls it once, when it is built;
 * a resumed run then loads the optimizer's state from the checkpoint, so the factory must make the same kind of
 * optimizer as the run that wrote it.
 *
 * <pre>{@code
 * OptimizerFactory sgd = (params, s) -> SGD.builder().lr(s.lr()).momentum(0.9).build(params);
 * }</pre>
 */
@FunctionalInterface
public interface OptimizerFactory {
    /**
     * Makes the optimizer.
     *
     * @param parameters the parameters to update, in the model's order
     * @param settings   the run's settings
     * @return a fresh optimizer over exactly those parameters
     */
    Optimizer<?> create(List<Tensor> parameters, TrainSettings settings);

    /**
     * The default: Adam with the settings' learning rate, or AdamW when the settings have a weight decay.
     *
     * @return the factory
     */
    static OptimizerFactory adam() {
        return (parameters, s) -> s.weightDecay() > 0
                ? AdamW.create(parameters, AdamW.builder().lr(s.lr()).weightDecay(s.weightDecay()))
                : Adam.builder().lr(s.lr()).build(parameters);
    }
}
