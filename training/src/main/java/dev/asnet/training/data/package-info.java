/**
 * Training data: seeded shuffling and augmentation (random crop from a zero-padded image,
 * horizontal flip) of any {@code asnet-runtime} {@link dev.asnet.runtime.dataset.ImageDataset}
 * (Fashion-MNIST, CIFAR-10 files, class folders), written straight into the native input buffers
 * of a training step ({@link dev.asnet.training.data.BatchSource}); a
 * {@link dev.asnet.training.data.Prefetcher} that reads the next batches on a background thread
 * when the images are streamed from disk; the per-channel statistics a model is normalized with
 * ({@link dev.asnet.training.data.ChannelStats}); and {@link dev.asnet.training.data.DataTiming},
 * which measures reading speed.
 */
package dev.asnet.training.data;
