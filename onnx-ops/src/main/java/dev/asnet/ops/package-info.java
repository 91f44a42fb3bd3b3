/**
 * The {@code dev.asnet} ONNX Runtime custom-op library: {@code ActiveShift}, {@code
 * ActiveShiftGrad} and the fused training ops.
 *
 * <p>{@link dev.asnet.ops.AsnetOps} extracts the native library bundled in this jar and registers
 * it with an {@link ai.onnxruntime.OrtSession.SessionOptions}; {@link
 * dev.asnet.exporter.ops.AsnetDomain} names the domain, ops, inputs and attributes.
 */
package dev.asnet.ops;
