package dev.jinn.tensor;

/**
 * A link from a node of the autograd graph to the node that produced one of its inputs: the gradient for
 * that input flows into output {@code index} of {@code node}.
 */
record Edge(Node node, int index) {
}
