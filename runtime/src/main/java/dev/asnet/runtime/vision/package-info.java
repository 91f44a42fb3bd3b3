/**
 * Image classification on top of {@link dev.asnet.runtime.AsnetModel}.
 *
 * <p>{@link dev.asnet.runtime.vision.ImageClassifier} reads the preprocessing a model needs (input
 * size, channels, mean/std, class labels) from its metadata as
 * {@link dev.asnet.runtime.vision.Preprocessing}, decodes PNG, JPEG and BMP files with
 * {@code javax.imageio} ({@link dev.asnet.runtime.vision.ImageFiles}), resizes and center-crops
 * them ({@link dev.asnet.runtime.vision.ImagePreprocessor}), and returns the top-k classes with
 * softmax probabilities; it also evaluates a whole IDX dataset
 * ({@link dev.asnet.runtime.vision.Evaluation}).
 */
package dev.asnet.runtime.vision;
