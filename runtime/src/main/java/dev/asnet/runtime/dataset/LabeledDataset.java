package dev.asnet.runtime.dataset;

import java.util.List;

/**
 * What every {@link ImageDataset} of this package holds the same way: one label per image, the
 * class names and the image size. Subclasses say only how an image is read.
 */
abstract class LabeledDataset implements ImageDataset {
    private final ImageSize size;
    private final int[] labels;
    private final List<String> classNames;

    /**
     * @param size the size of every image
     * @param labels one label per image (kept, not copied: callers pass an array of their own)
     * @param classNames the class names, index = label
     */
    LabeledDataset(ImageSize size, int[] labels, List<String> classNames) {
        this.size = size;
        this.labels = labels;
        this.classNames = List.copyOf(classNames);
    }

    @Override
    public final int size() {
        return labels.length;
    }

    @Override
    public final ImageSize imageSize() {
        return size;
    }

    @Override
    public final List<String> classNames() {
        return classNames;
    }

    @Override
    public final int label(int index) {
        return labels[index];
    }
}
