package dev.jinn.tensor;

import java.util.ArrayList;

/**
 * A storage-reuse scope: the tensors created inside it are closed when it closes, and the float32/float64
 * storages they allocated go back to a size-bucketed pool, from which the next scope's tensors of the same
 * sizes take them. A training step run in a scope therefore allocates (almost) nothing after the first steps.
 *
 * <pre>{@code
 * for (Tensor batch : batches) {
 *     try (TensorScope s = Tensors.scope()) {
 *         opt.zeroGrad();
 *         Tensor loss = nll(inn.forward(batch));
 *         loss.backward();
 *         opt.step();
 *         losses.add(loss.item());           // a number escapes; or s.keep(loss) to keep the tensor
 *     }
 * }
 * }</pre>
 *
 * <p><b>Safe by construction.</b> A tensor created in a scope (including every view, whichever tensor it views)
 * is <em>closed</em> when the scope closes: any later use of it throws {@link IllegalStateException} naming
 * its shape. A storage goes back to the pool only when the scope that allocated it closes, and every live
 * tensor over that storage belongs to a scope that has closed by then (a view made where no such scope is
 * current, e.g. on another thread, is registered with the storage's scope), so a recycled array is never
 * visible through a live tensor. What escapes is kept:
 * <ul>
 *   <li>{@link #keep(Tensor)}: the tensor (and its gradient) moves to the enclosing scope, or out of all scopes
 *       at the outermost one; its storage is recycled only when that scope closes;</li>
 *   <li>{@link #persist(Tensor)}: out of every scope, for state that lives on. The engine persists what must
 *       outlive a step: parameters and buffers registered with a {@code Module} (running statistics, ActNorm's
 *       flags, spectral-norm vectors), gradients accumulated into leaves created outside the scope, and
 *       optimizer state (moments, step counts);</li>
 *   <li>tensors created outside the scope are never touched: writing into a parameter in place inside a scope
 *       (an optimizer step, {@code copyFrom}) leaves its storage where it is.</li>
 * </ul>
 * Numbers ({@link Tensor#item()}, {@link Tensor#toFloatArray()}) are copies and escape freely.
 *
 * <p><b>Threads.</b> A scope belongs to the thread that opened it: it is that thread's current scope until it
 * closes, tensors created on other threads do not join it, and only its own thread may close it or call
 * {@link #keep}. Each thread may open its own scopes (e.g. the blocks of {@code BatchInference} on the shared
 * pool); the pool behind them is shared and thread-safe.
 *
 * <p><b>Nesting and errors.</b> Scopes nest: the innermost open one is current; closing a scope first closes
 * the scopes opened inside it that are still open. Closing twice does nothing. When an exception leaves a
 * try-with-resources block, the scope still closes and recycles. {@code -Djinn.pool=false} (read once) turns
 * recycling off: scopes still close their tensors, the storages are left to the garbage collector.
 */
public final class TensorScope implements AutoCloseable {
    private static final ThreadLocal<TensorScope> CURRENT = new ThreadLocal<>();
    /** Opening order on all threads; on one thread, a scope opened later closes earlier. */
    private static long opened;

    final Thread thread = Thread.currentThread();
    private final TensorScope parent = CURRENT.get();
    private final long serial;
    /** What this scope closes and recycles, appended by its own thread only (no lock on the hot path). */
    private final ArrayList<Tensor> tensors = new ArrayList<>();
    private final ArrayList<Lease> leases = new ArrayList<>();
    /** The same, registered from other threads (views of this scope's storages), under this scope's lock. */
    private final ArrayList<Tensor> foreignTensors = new ArrayList<>();
    private final ArrayList<Lease> foreignLeases = new ArrayList<>();
    private boolean closed;

    TensorScope() {
        synchronized (TensorScope.class) {
            serial = ++opened;
        }
        CURRENT.set(this);
    }

    /**
     * The innermost open scope of the calling thread.
     *
     * @return the scope, or null outside every scope
     */
    public static TensorScope current() {
        return CURRENT.get();
    }

    /**
     * Whether storages are recycled ({@code -Djinn.pool}, default true); when false, scopes only close tensors.
     *
     * @return true when recycling is on
     */
    public static boolean recycling() {
        return BufferPool.enabled();
    }

    /**
     * Keeps a tensor created in this scope (or in a scope inside it) beyond this scope: it and its gradient
     * then belong to the enclosing scope, or to no scope when this is the outermost one.
     *
     * @param t the tensor to keep
     * @return t
     * @throws IllegalStateException when this scope has closed, belongs to another thread, or t is closed
     */
    public Tensor keep(Tensor t) {
        requireOpen("keep");
        moveTo(t, parent);
        return t;
    }

    /**
     * Takes a tensor (and its gradient) out of every scope: it is never closed and its storage is never
     * recycled; the garbage collector frees it as any object. For state that outlives the current step.
     * Does nothing to a tensor that belongs to no scope.
     *
     * @param t the tensor, or null
     * @return t
     * @throws IllegalStateException when t is closed
     */
    public static Tensor persist(Tensor t) {
        if (t != null) {
            moveTo(t, null);
        }
        return t;
    }

    /**
     * Closes every tensor created in this scope that was not kept, then gives their storages back to the pool.
     * First closes the scopes still open inside this one. Does nothing when already closed.
     *
     * @throws IllegalStateException when called from a thread other than the one that opened the scope
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        requireThread("close");
        TensorScope inner = CURRENT.get();
        while (inner != null && inner != this && inner.serial > serial) {
            inner.close();
            inner = CURRENT.get();
        }
        synchronized (this) {
            closed = true;
            revoke(tensors);
            revoke(foreignTensors);
            recycle(leases);
            recycle(foreignLeases);
        }
        if (CURRENT.get() == this) {
            CURRENT.set(parent);
        }
    }

    private void revoke(ArrayList<Tensor> list) {
        for (Tensor t : list) {
            if (t.owner == this) {
                t.revoke();
            }
        }
        list.clear();
    }

    private void recycle(ArrayList<Lease> list) {
        for (Lease l : list) {
            if (l.scope == this) {
                l.scope = null;
                BufferPool.give(l.array);
            }
        }
        list.clear();
    }

    /** Adds a tensor to what this scope closes, from any thread. */
    private void enlist(Tensor t) {
        if (Thread.currentThread() == thread) {
            tensors.add(t);
        } else {
            synchronized (this) {
                foreignTensors.add(t);
            }
        }
    }

    /** Adds a lease to what this scope recycles, from any thread. */
    private void enlist(Lease l) {
        if (Thread.currentThread() == thread) {
            leases.add(l);
        } else {
            synchronized (this) {
                foreignLeases.add(l);
            }
        }
    }

    /**
     * Whether this scope has closed.
     *
     * @return true once closed
     */
    public boolean isClosed() {
        return closed;
    }

    // ------------------------------------------------------------------------------------------------
    // The tensor layer's side

    /** Registers a tensor just created on this (the current) thread. */
    void add(Tensor t) {
        t.owner = this;
        tensors.add(t);
    }

    /** Registers a fresh tensor whose storage this scope took from the pool and will give back. */
    void lease(Tensor t, Object array) {
        Lease l = new Lease(array, this);
        t.lease = l;
        leases.add(l);
    }

    /**
     * Registers a new view: with the current scope when that closes no later than the viewed storage's scope,
     * otherwise (no current scope, or a view made on another thread) with the storage's scope itself.
     */
    static void addView(Tensor view) {
        TensorScope current = CURRENT.get();
        Lease l = view.lease;
        TensorScope storage = l == null ? null : l.scope;
        if (storage == null || current != null && current.closesNoLaterThan(storage)) {
            if (current != null) {
                current.add(view);
            }
            if (l != null && storage == null) {
                l.viewedFrom(current);
            }
            return;
        }
        synchronized (storage) {
            if (storage.closed) {
                throw new IllegalStateException("a view of a tensor of shape " + Shapes.str(view.shape)
                        + " was made after the scope of its storage closed");
            }
            view.owner = storage;
            storage.enlist(view);
        }
    }

    /** On one thread scopes close in reverse order of opening; scopes of different threads are unordered. */
    private boolean closesNoLaterThan(TensorScope other) {
        return thread == other.thread && serial >= other.serial;
    }

    /** Makes t live as long as {@code holder} (a leaf receiving t as its grad): into holder's scope, or none. */
    static void keepWith(Tensor t, Tensor holder) {
        TensorScope target = holder.owner;
        if (target == null || target.thread == Thread.currentThread()) {
            moveTo(t, target);
        } else {
            synchronized (target) {
                moveTo(t, target);
            }
        }
    }

    /** Moves t (and its grad) into {@code target} (an enclosing scope, or null for none), if it closes earlier. */
    private static void moveTo(Tensor t, TensorScope target) {
        t.requireOpen();
        TensorScope owner = t.owner;
        if (owner != null && owner != target && (target == null || owner.serialAfter(target))) {
            t.owner = target;
            if (target != null) {
                target.enlist(t);
            }
        }
        Lease l = t.lease;
        if (l != null && l.scope != null && l.scope != target && (target == null || l.scope.serialAfter(target))) {
            if (target == null) {
                // Its views so far close no later than the scope it leaves.
                l.floor = l.scope.thread == Thread.currentThread() ? closingLast(l.floor, l.scope) : l.floor;
                l.pinned |= l.scope.thread != Thread.currentThread();
            }
            l.scope = target;
            if (target != null) {
                target.enlist(l);
            }
        }
        if (l != null && l.scope == null && target == null) {
            if (l.holder == null) {
                l.holder = t;
            } else if (l.holder != t) {
                l.pinned = true; // two persisted tensors over one storage: neither may ever recycle it
            }
        }
        Tensor g = t.gradOrNull();
        if (g != null && !g.isClosed()) {
            moveTo(g, target);
        }
    }

    /**
     * Takes back a persisted gradient that its leaf just dropped ({@code zeroGrad}, a replacement): when no view
     * of its storage outlives the current scope (or the scope of its latest-closing view), the tensor is closed
     * with that scope and its storage recycled. Outside every scope, or when a view of it belongs to no scope,
     * nothing happens and the collector frees it as before.
     */
    static void reclaim(Tensor dropped) {
        TensorScope current = CURRENT.get();
        Lease l = dropped.lease;
        if (current == null || l == null || l.scope != null || l.pinned || l.holder != dropped || dropped.owner != null
                || dropped.isClosed()) {
            return;
        }
        TensorScope floor = l.floor != null && !l.floor.closed ? l.floor : null;
        TensorScope target = closingLast(floor, current);
        l.scope = target;
        l.holder = null;
        l.floor = null;
        target.enlist(l);
        dropped.owner = target;
        target.enlist(dropped);
    }

    /** Of two open scopes of the calling thread (either may be null), the one that closes last. */
    static TensorScope closingLast(TensorScope a, TensorScope b) {
        if (a == null || a.closed) {
            return b;
        }
        if (b == null || b.closed) {
            return a;
        }
        return a.serial <= b.serial ? a : b;
    }

    /** Whether this scope was opened after {@code other} (so, on one thread, closes before it). */
    private boolean serialAfter(TensorScope other) {
        return serial > other.serial;
    }

    private void requireOpen(String op) {
        if (closed) {
            throw new IllegalStateException("TensorScope." + op + ": this scope has closed");
        }
        requireThread(op);
    }

    private void requireThread(String op) {
        if (Thread.currentThread() != thread) {
            throw new IllegalStateException("TensorScope." + op + ": the scope belongs to thread '" + thread.getName()
                    + "', called from '" + Thread.currentThread().getName() + "'");
        }
    }
}
