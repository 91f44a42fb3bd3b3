/**
 * Turning a model as built (the training form: Conv, BatchNormalization, ActiveShift nodes with
 * their parameters) into an inference model: {@link dev.asnet.exporter.export.InferenceExport}
 * folds BatchNormalization into the conv before it and writes every Active Shift layer in the
 * {@link dev.asnet.exporter.export.AslLowering} chosen by {@link
 * dev.asnet.exporter.export.ExportOptions}.
 */
package dev.asnet.exporter.export;
