package dev.jinn.train;

/**
 * Receives a {@link TrainingEvent} after every optimisation step of a {@link Trainer} (on the training thread,
 * so it should return quickly). A listener may call {@link Trainer#stop()} to end the run after this step.
 */
@FunctionalInterface
public interface TrainingListener {
    /**
     * Called after a step.
     *
     * @param event what happened
     */
    void onStep(TrainingEvent event);
}
