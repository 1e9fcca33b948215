package dev.jinn.flow;

/**
 * A module failed while a flow ran it: the message names the node or position, the cause is the module's
 * own exception. Shape and count errors detected before a module runs are {@link IllegalArgumentException}s.
 */
public final class FlowException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * An error raised while running a named part of a flow.
     *
     * @param where the node or module, e.g. {@code node 'coupling 3' (GLOWCouplingBlock)}
     * @param cause the module's exception
     */
    public FlowException(String where, Throwable cause) {
        super(where + " encountered an error: " + cause.getMessage(), cause);
    }
}
