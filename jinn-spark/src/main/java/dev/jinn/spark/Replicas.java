package dev.jinn.spark;

import dev.jinn.flow.SequenceINN;
import dev.jinn.train.TrainSettings;
import dev.jinn.train.Trainer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The model replicas of the running training jobs in this JVM: built once per task slot and run, then reused by
 * every step (each step loads the driver's weights into the replica first, so a replica holds nothing between
 * steps that matters). Replicas of other runs are dropped when a new run starts here.
 */
final class Replicas {
    /** A replica and the trainer whose first half-step ({@link Trainer#computeGradients}) it runs. */
    record Replica(SequenceINN model, Trainer trainer) {
    }

    private static final Map<String, ConcurrentLinkedQueue<Replica>> IDLE = new ConcurrentHashMap<>();

    private Replicas() {
    }

    /**
     * Takes a replica of the job's model for the calling task.
     *
     * @param job the run
     * @return a replica no other task uses until it is released
     */
    static Replica borrow(TrainingJob job) {
        if (!IDLE.containsKey(job.runId())) {
            IDLE.keySet().removeIf(k -> !k.equals(job.runId()));
        }
        Replica r = IDLE.computeIfAbsent(job.runId(), k -> new ConcurrentLinkedQueue<>()).poll();
        if (r != null) {
            return r;
        }
        SequenceINN m = job.build();
        // Only computeGradients is called here: the optimizer the trainer makes is never stepped.
        return new Replica(m, Trainer.builder(m, TrainSettings.defaults()).build());
    }

    /**
     * Gives a replica back.
     *
     * @param job the run it belongs to
     * @param r   the replica
     */
    static void release(TrainingJob job, Replica r) {
        ConcurrentLinkedQueue<Replica> q = IDLE.get(job.runId());
        if (q != null) {
            q.add(r);
        }
    }
}
