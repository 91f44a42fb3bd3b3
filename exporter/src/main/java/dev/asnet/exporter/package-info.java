/**
 * The asnet exporter: build networks as a graph IR ({@link dev.asnet.exporter.ir}) with typed
 * operator methods ({@link dev.asnet.exporter.ops.GraphBuilder}), prepare them for inference and
 * choose how Active Shift is lowered ({@link dev.asnet.exporter.export.InferenceExport}), count
 * parameters and MACs ({@link dev.asnet.exporter.count.CostCounter}), and read and write ONNX
 * ({@link dev.asnet.exporter.io}). {@link dev.asnet.exporter.ModelInfo} defines the
 * {@code metadata_props} asnet writes and reads (its {@link dev.asnet.exporter.InputSpec} is the
 * input size and normalization the zoo builds for and the runtime prepares images with).
 */
package dev.asnet.exporter;
