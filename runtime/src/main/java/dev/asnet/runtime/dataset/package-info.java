/**
 * Labeled image datasets.
 *
 * <p>{@link dev.asnet.runtime.dataset.IdxReader} reads IDX image and label files (plain or
 * gzip-compressed) and checks them strictly; {@link dev.asnet.runtime.dataset.FashionMnist} finds
 * the Fashion-MNIST files (by default where the Debian package {@code dataset-fashion-mnist}
 * installs them) and names its classes; {@link dev.asnet.runtime.dataset.LabeledImages} holds a
 * loaded split in memory.
 *
 * <p>{@link dev.asnet.runtime.dataset.DatasetFolder} recognizes and reads the layouts other
 * frameworks read, IDX files, CIFAR-10 binary files and one folder of images per class, as
 * {@link dev.asnet.runtime.dataset.ImageDataset}s: labeled 8-bit pixels of one size, decoded from
 * disk on each read or held in memory ({@link dev.asnet.runtime.dataset.InMemoryImages}). Folder
 * images are decoded and sized by {@code ImageFiles} and {@code ImageToTensor}, the path every
 * image the runtime classifies takes.
 */
package dev.asnet.runtime.dataset;
