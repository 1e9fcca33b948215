package dev.jinn.tensor;

/**
 * A storage array that a {@link TensorScope} took from the {@link BufferPool} and will give back when it closes,
 * shared by the tensor that allocated it and by all its views. {@link #scope} is the scope that recycles the
 * array (null once it was given back, or when a kept tensor took it out of every scope). Invariant: every live
 * tensor with this lease belongs to a scope that closes no later than {@link #scope}, so when the array goes
 * back to the pool, no live tensor sees it.
 */
final class Lease {
    final Object array;
    TensorScope scope;

    Lease(Object array, TensorScope scope) {
        this.array = array;
        this.scope = scope;
    }
}
