/**
 * A small in-memory graph IR for ONNX models, in the spirit of onnx-ir.
 *
 * <p>A {@link dev.asnet.exporter.ir.Graph} owns {@link dev.asnet.exporter.ir.Value}s and
 * {@link dev.asnet.exporter.ir.Node}s. Every value knows its type ({@link
 * dev.asnet.exporter.ir.DataType} and {@link dev.asnet.exporter.ir.Shape}), the node that produces
 * it (none for graph inputs and initializers) and every {@link dev.asnet.exporter.ir.Usage} of it,
 * so passes can walk the graph forwards (nodes are kept in topological order) and backwards (from
 * a value to its producer), which is what reverse-mode differentiation needs. Initializers are
 * values with constant {@link dev.asnet.exporter.ir.Tensor} data and an {@link
 * dev.asnet.exporter.ir.InitializerRole}.
 *
 * <p>Nodes are created through {@link dev.asnet.exporter.ir.Graph#addNode}, which validates the
 * node against the {@link dev.asnet.exporter.ir.OpSignature} the graph's {@link
 * dev.asnet.exporter.ir.OpChecker} gives and infers the output types; the typed methods of the ops
 * package's {@code GraphBuilder} are the usual way in. The IR does not depend on where op schemas
 * come from. Passes edit graphs in place (replace all uses of a value, insert or remove nodes,
 * replace initializer data, rename), and every edit keeps producer and user links and the
 * topological order consistent.
 */
package dev.asnet.exporter.ir;
