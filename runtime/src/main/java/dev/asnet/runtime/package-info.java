/**
 * Runs asnet ONNX models with ONNX Runtime.
 *
 * <p>{@link dev.asnet.runtime.AsnetModel} is the entry point: it opens a model from a file or from
 * bytes, registers the {@code dev.asnet} custom-op library only when the model imports that
 * domain, and runs float tensors or batches thread-safely. {@link dev.asnet.runtime.RuntimeOptions}
 * chooses threads, graph optimization and the execution provider;
 * {@link dev.asnet.runtime.ModelDescription} describes a model without running it.
 *
 * <pre>{@code
 * try (AsnetModel model = AsnetModel.open(Path.of("model.onnx"))) {
 *     FloatTensor logits = model.run(FloatTensor.of(pixels, 1, 1, 28, 28));
 * }
 * }</pre>
 */
package dev.asnet.runtime;
