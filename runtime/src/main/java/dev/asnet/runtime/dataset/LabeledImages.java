package dev.asnet.runtime.dataset;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Grayscale images with one class label each, held in memory, as loaded from a pair of IDX files.
 * Immutable; {@link #slice} shares the pixel data where it can.
 */
public final class LabeledImages {
    private final IdxImages images;
    private final int[] labels;
    private final List<String> classNames;

    /**
     * Pairs images with labels.
     *
     * @param images the images
     * @param labels one label per image, each in {@code [0, classNames.size())}
     * @param classNames the class names, index = label
     */
    public LabeledImages(IdxImages images, int[] labels, List<String> classNames) {
        Objects.requireNonNull(images, "images");
        Objects.requireNonNull(labels, "labels");
        this.classNames = List.copyOf(classNames);
        if (labels.length != images.count()) {
            throw new IllegalArgumentException(images.count() + " images but " + labels.length + " labels");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= this.classNames.size()) {
                throw new IllegalArgumentException("label " + labels[i] + " of image " + i
                        + " is outside [0, " + this.classNames.size() + ")");
            }
        }
        this.images = images;
        this.labels = labels.clone();
    }

    /**
     * Number of images.
     *
     * @return the size
     */
    public int size() {
        return labels.length;
    }

    /**
     * Image height.
     *
     * @return rows per image
     */
    public int rows() {
        return images.rows();
    }

    /**
     * Image width.
     *
     * @return columns per image
     */
    public int cols() {
        return images.cols();
    }

    /**
     * The images.
     *
     * @return the image set
     */
    public IdxImages images() {
        return images;
    }

    /**
     * The label of one image.
     *
     * @param index image index
     * @return its class, in {@code [0, classNames().size())}
     */
    public int label(int index) {
        return labels[index];
    }

    /**
     * All labels (a copy).
     *
     * @return one label per image
     */
    public int[] labels() {
        return labels.clone();
    }

    /**
     * The class names, index = label.
     *
     * @return the names
     */
    public List<String> classNames() {
        return classNames;
    }

    /**
     * Writes one image as floats {@code pixel / 255} into {@code dest}, row-major.
     *
     * @param index image index
     * @param dest destination array
     * @param offset where in {@code dest} the image starts
     */
    public void copyScaled(int index, float[] dest, int offset) {
        Objects.checkIndex(index, size());
        int n = images.rows() * images.cols();
        Objects.checkFromIndexSize(offset, n, dest.length);
        byte[] px = images.pixels();
        int base = index * n;
        for (int i = 0; i < n; i++) {
            dest[offset + i] = Byte.toUnsignedInt(px[base + i]) / 255f;
        }
    }

    /**
     * This dataset as an {@link ImageDataset} of 1 or 3 channels, without copying: a 3-channel view
     * repeats the gray value in each channel, as a grayscale image fed to an RGB model is.
     *
     * @param channels 1 or 3
     * @param description what the images are, for messages
     * @return the view
     */
    public ImageDataset asDataset(int channels, String description) {
        ImageSize size = new ImageSize(channels, rows(), cols());
        int plane = rows() * cols();
        byte[] px = images.pixels();
        return new LabeledDataset(size, labels, classNames) {
            @Override
            public void read(int index, byte[] dest, int offset) {
                Objects.checkIndex(index, size());
                for (int c = 0; c < channels; c++) {
                    System.arraycopy(px, index * plane, dest, offset + c * plane, plane);
                }
            }

            @Override
            public boolean inMemory() {
                return true;
            }

            @Override
            public String description() {
                return description;
            }
        };
    }

    /**
     * The images {@code from} (inclusive) to {@code to} (exclusive).
     *
     * @param from first image
     * @param to one past the last image
     * @return the slice
     */
    public LabeledImages slice(int from, int to) {
        Objects.checkFromToIndex(from, to, size());
        if (from == 0 && to == size()) {
            return this;
        }
        int n = images.rows() * images.cols();
        byte[] px = Arrays.copyOfRange(images.pixels(), from * n, to * n);
        return new LabeledImages(new IdxImages(to - from, images.rows(), images.cols(), px),
                Arrays.copyOfRange(labels, from, to), classNames);
    }

    /**
     * The first {@code limit} images, or all of them when there are fewer.
     *
     * @param limit maximum number of images (>= 0)
     * @return the slice
     */
    public LabeledImages limit(int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be >= 0, got " + limit);
        }
        return slice(0, Math.min(limit, size()));
    }
}
