/**
 * Image classification on top of {@link dev.asnet.runtime.AsnetModel}.
 *
 * <p>{@link dev.asnet.runtime.vision.ImageClassifier} reads what a model's input needs (its
 * size, channels, mean/std as an {@link dev.asnet.exporter.InputSpec}, and class labels) from its
 * metadata ({@link dev.asnet.exporter.ModelInfo}), decodes PNG, JPEG and BMP files with
 * {@code javax.imageio} ({@link dev.asnet.runtime.vision.ImageFiles}), resizes, center-crops and
 * normalizes them into input values ({@link dev.asnet.runtime.vision.ImageToTensor}), and returns the top-k classes with
 * softmax probabilities; it also evaluates a whole IDX dataset
 * ({@link dev.asnet.runtime.vision.Evaluation}).
 */
package dev.asnet.runtime.vision;
