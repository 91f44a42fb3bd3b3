/**
 * The asnet model zoo: one class per architecture, built on the exporter's graph IR with
 * deterministic seeded initialization, and {@link dev.asnet.models.ModelZoo}, the registry of
 * names.
 *
 * <pre>{@code
 * Architecture arch = ModelZoo.get("as-resnet20-16x3");
 * Model model = arch.build(arch.defaultConfig().toBuilder()
 *         .optInput(1, 28, 28).optClassLabels(ModelConfig.FASHION_MNIST_LABELS).build());
 * Model inference = InferenceExport.prepare(model, ExportOptions.of(AslLowering.DEPTHWISE));
 * OnnxWriter.write(inference, Path.of("as-resnet20.onnx"));
 * }</pre>
 *
 * Models are built in their training form: Conv without bias, BatchNormalization with running
 * statistics, ActiveShift nodes with shift parameters, input {@code "input"} of shape
 * {@code [N, C, H, W]} with a symbolic batch {@code N}, output {@code "logits"} of shape
 * {@code [N, classes]}.
 */
package dev.asnet.models;
