/**
 * Reading and writing ONNX: {@link dev.asnet.exporter.io.OnnxWriter} turns a {@link
 * dev.asnet.exporter.ir.Model} into an ONNX {@code ModelProto} (the last step of an export), and
 * {@link dev.asnet.exporter.io.OnnxReader} rebuilds the IR from any model asnet wrote, validating
 * every node again on the way in.
 */
package dev.asnet.exporter.io;
