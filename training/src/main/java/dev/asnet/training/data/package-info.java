/**
 * Training data: seeded shuffling and augmentation (random crop from a zero-padded image,
 * horizontal flip) of the Fashion-MNIST images read by {@code asnet-runtime}, written straight into
 * the native input buffers of a training step.
 */
package dev.asnet.training.data;
