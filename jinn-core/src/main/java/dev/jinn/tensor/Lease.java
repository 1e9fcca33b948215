package dev.jinn.tensor;

/**
 * A storage array that a {@link TensorScope} took from the {@link BufferPool} and will give back when it closes,
 * shared by the tensor that allocated it and by all its views. {@link #scope} is the scope that recycles the
 * array (null once it was given back, or while a persisted tensor holds it). Invariant: every live tensor with
 * this lease belongs to a scope that closes no later than {@link #scope}, so when the array goes back to the
 * pool, no live tensor sees it.
 *
 * <p>While the lease is out of every scope (a persisted gradient), {@link #holder} is the one persisted tensor
 * over it, {@link #floor} the scope that closes last among the scopes holding views of it, and {@link #pinned}
 * says that some view of it belongs to no scope or to another thread's. A dropped gradient (see
 * {@link TensorScope#reclaim}) can then go back to a scope: the later-closing of the current scope and the floor,
 * unless pinned.
 */
final class Lease {
    final Object array;
    TensorScope scope;
    Tensor holder;
    TensorScope floor;
    boolean pinned;

    Lease(Object array, TensorScope scope) {
        this.array = array;
        this.scope = scope;
    }

    /** Notes that a tensor over this unscoped lease belongs to {@code owner} (null: to no scope). */
    void viewedFrom(TensorScope owner) {
        if (owner == null || owner.thread != Thread.currentThread()) {
            pinned = true;
        } else {
            floor = TensorScope.closingLast(floor, owner);
        }
    }
}
