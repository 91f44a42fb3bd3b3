/**
 * Image datasets in the IDX format of MNIST and Fashion-MNIST.
 *
 * <p>{@link dev.asnet.runtime.dataset.IdxReader} reads IDX image and label files (plain or
 * gzip-compressed) and checks them strictly; {@link dev.asnet.runtime.dataset.FashionMnist} finds
 * the Fashion-MNIST files (by default where the Debian package {@code dataset-fashion-mnist}
 * installs them) and names its classes; {@link dev.asnet.runtime.dataset.LabeledImages} holds a
 * loaded split in memory.
 */
package dev.asnet.runtime.dataset;
