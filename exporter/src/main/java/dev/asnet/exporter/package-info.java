/**
 * The asnet exporter: build networks as a graph IR ({@link dev.asnet.exporter.ir}) with typed
 * operator methods ({@link dev.asnet.exporter.ops.GraphBuilder}), prepare them for inference and
 * choose how Active Shift is lowered ({@link dev.asnet.exporter.export.InferenceExport}), count
 * parameters and MACs ({@link dev.asnet.exporter.count.CostCounter}), and read and write ONNX
 * ({@link dev.asnet.exporter.io}). {@link dev.asnet.exporter.ModelMetadata} lists the
 * {@code metadata_props} keys asnet writes.
 */
package dev.asnet.exporter;
