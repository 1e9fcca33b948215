/**
 * Modules that change the number of tensors in a graph, FrEIA's {@code graph_topology.py}:
 * {@link dev.jinn.flow.topology.Split} (one input, several outputs) and {@link dev.jinn.flow.topology.Concat}
 * (several inputs, one output). Both have log-det 0.
 */
package dev.jinn.flow.topology;
