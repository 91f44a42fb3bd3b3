/**
 * Operator schemas (inputs, attributes, shape inference and validation) and the typed {@link
 * dev.asnet.exporter.ops.GraphBuilder} used to build graphs from Java.
 *
 * <p>{@link dev.asnet.exporter.ops.OpRegistry#standard()} knows the standard ONNX ops asnet uses
 * and the {@link dev.asnet.exporter.ops.AsnetDomain dev.asnet} ops. Every node added to a {@link
 * dev.asnet.exporter.ir.Graph} goes through its schema's {@link
 * dev.asnet.exporter.ops.OpSchema#check check}, so the typed builder, the ONNX reader and graph
 * passes all get the same validation and the same inferred shapes.
 */
package dev.asnet.exporter.ops;
