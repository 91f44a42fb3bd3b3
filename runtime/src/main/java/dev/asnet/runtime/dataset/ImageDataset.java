package dev.asnet.runtime.dataset;

import java.io.IOException;
import java.util.List;

/**
 * Labeled images of one size, read one at a time as 8-bit pixels, channel-major ({@code channels
 * x height x width} bytes, 0-255, before any normalization). Whether the pixels are held in memory
 * ({@link InMemoryImages}, {@link LabeledImages#asDataset}) or decoded from disk on each read
 * ({@link DatasetFolder}'s image folders and CIFAR-10 files) is hidden behind {@link #read}, so a
 * trainer or an evaluation works on either. Implementations may be read from several threads at
 * once.
 */
public interface ImageDataset {
    /**
     * Number of images.
     *
     * @return the size
     */
    int size();

    /**
     * The size every image is read at.
     *
     * @return channels x height x width
     */
    ImageSize imageSize();

    /**
     * The class names, index = label.
     *
     * @return the names
     */
    List<String> classNames();

    /**
     * The label of one image (known without reading its pixels).
     *
     * @param index the image
     * @return its class, in {@code [0, classNames().size())}
     */
    int label(int index);

    /**
     * Reads one image's pixels.
     *
     * @param index the image
     * @param dest destination
     * @param offset where in {@code dest} the {@link ImageSize#bytes()} bytes go
     * @throws java.nio.file.NoSuchFileException if the image's file has gone
     * @throws dev.asnet.runtime.vision.ImageDecodeException if its file cannot be decoded
     * @throws IOException if reading fails
     */
    void read(int index, byte[] dest, int offset) throws IOException;

    /**
     * Whether {@link #read} copies from memory (true) or reads from disk (false).
     *
     * @return true when held in memory
     */
    boolean inMemory();

    /**
     * What the images are, for messages: such as {@code /data/shapes/val (image folder)}.
     *
     * @return the description
     */
    String description();

    /**
     * The first {@code n} images (all when there are fewer), as a view.
     *
     * @param n the most images, >= 0
     * @return the view, or this dataset when it has at most {@code n} images
     */
    default ImageDataset first(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("limit must be >= 0, got " + n);
        }
        if (n >= size()) {
            return this;
        }
        ImageDataset all = this;
        return new ImageDataset() {
            @Override
            public int size() {
                return n;
            }

            @Override
            public ImageSize imageSize() {
                return all.imageSize();
            }

            @Override
            public List<String> classNames() {
                return all.classNames();
            }

            @Override
            public int label(int index) {
                java.util.Objects.checkIndex(index, n);
                return all.label(index);
            }

            @Override
            public void read(int index, byte[] dest, int offset) throws IOException {
                java.util.Objects.checkIndex(index, n);
                all.read(index, dest, offset);
            }

            @Override
            public boolean inMemory() {
                return all.inMemory();
            }

            @Override
            public String description() {
                return all.description() + ", first " + n;
            }
        };
    }
}
