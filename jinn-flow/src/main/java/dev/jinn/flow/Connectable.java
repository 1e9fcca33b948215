package dev.jinn.flow;

/**
 * What a graph node can take as an input or a condition: a node, meaning its output 0, or one output of a node
 * ({@link AbstractNode#out(int)}). Lists of these give several inputs or conditions, in slot order:
 *
 * <pre>{@code
 * var split = new Node(in, Split.sections(2, 2));
 * var a = new Node(split.out(0), spec);                       // one input: output 0 of split
 * var b = new Node(split.out(1), spec, List.of(cond, a));     // conditioned on cond and on a's output 0
 * }</pre>
 */
public sealed interface Connectable permits AbstractNode, NodeOutput {
}
