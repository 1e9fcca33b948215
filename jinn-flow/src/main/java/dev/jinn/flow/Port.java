package dev.jinn.flow;

/**
 * A numbered connection point of a node: input slot {@code index} of a consumer, or the value a node produces at
 * position {@code index} in the direction being run. The graph keys the tensors of a run by ports, and an
 * output's consumer is the port that, in reverse, hands the output's value back.
 *
 * @param node  the node (compared by identity)
 * @param index the 0-based slot
 */
record Port(AbstractNode node, int index) {
}
