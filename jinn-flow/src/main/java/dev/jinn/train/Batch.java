package dev.jinn.train;

import dev.jinn.tensor.Tensor;
import java.util.List;

/**
 * One batch of training or validation data: the samples and, for a conditional flow, the conditions that go
 * with them (one tensor per condition index of the flow, batch axis first).
 *
 * @param x          the samples, shape {@code [B, ...]}
 * @param conditions the conditions, each {@code [B, ...]}; empty for an unconditional flow
 */
public record Batch(Tensor x, List<Tensor> conditions) {
    /**
     * Checks that the batch sizes agree and copies the condition list.
     *
     * @param x          the samples
     * @param conditions the conditions
     */
    public Batch {
        if (x == null || x.dim() < 2) {
            throw new IllegalArgumentException("Batch: the samples must be a tensor of rank >= 2 (batch axis first), got "
                    + (x == null ? "null" : java.util.Arrays.toString(x.shape())));
        }
        conditions = conditions == null ? List.of() : List.copyOf(conditions);
        for (int i = 0; i < conditions.size(); i++) {
            if (conditions.get(i).dim() < 1 || conditions.get(i).size(0) != x.size(0)) {
                throw new IllegalArgumentException("Batch: condition " + i + " has shape "
                        + java.util.Arrays.toString(conditions.get(i).shape()) + " but the samples have batch size "
                        + x.size(0));
            }
        }
    }

    /**
     * An unconditional batch.
     *
     * @param x the samples
     * @return the batch
     */
    public static Batch of(Tensor x) {
        return new Batch(x, List.of());
    }

    /**
     * A batch with one condition.
     *
     * @param x         the samples
     * @param condition the condition, {@code [B, ...]}
     * @return the batch
     */
    public static Batch of(Tensor x, Tensor condition) {
        return new Batch(x, List.of(condition));
    }

    /**
     * The number of samples.
     *
     * @return {@code x.size(0)}
     */
    public int size() {
        return x.size(0);
    }

    /**
     * Rows {@code [start, start + length)} of the samples and conditions.
     *
     * @param start  the first row
     * @param length the number of rows
     * @return the sub-batch (views, no copy)
     */
    public Batch rows(int start, int length) {
        List<Tensor> c = conditions.stream().map(t -> t.narrow(0, start, length)).toList();
        return new Batch(x.narrow(0, start, length), c);
    }
}
