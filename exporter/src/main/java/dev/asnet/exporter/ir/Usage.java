package dev.asnet.exporter.ir;

/**
 * One use of a value: the consuming node and the input slot it occupies.
 *
 * @param node the consumer
 * @param inputIndex the index of the input slot in {@code node.inputs()}
 */
public record Usage(Node node, int inputIndex) {}
