package dev.asnet.runtime.dataset;

import dev.asnet.exporter.InputSpec;
import dev.asnet.runtime.vision.ImageFiles;
import dev.asnet.runtime.vision.ImageToTensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Image files with labels, decoded on each {@link #read} with {@link ImageFiles#readForInput} and
 * brought to the dataset's size with {@link ImageToTensor#toPixels}: the path every image asnet
 * classifies takes, so a trained model sees its training images as {@code asnet predict} later
 * sees the same files.
 */
final class FolderImages extends LabeledDataset {
    private final List<Path> files;
    private final ImageToTensor toPixels;
    private final long maxPixels;
    private final String description;

    FolderImages(List<Path> files, int[] labels, List<String> classNames, ImageSize size, long maxPixels,
            String description) {
        super(size, labels.clone(), classNames);
        this.files = List.copyOf(files);
        this.toPixels = new ImageToTensor(InputSpec.unnormalized(size.channels(), size.height(), size.width()));
        this.maxPixels = maxPixels;
        this.description = description;
    }

    /**
     * The file of one image.
     *
     * @param index the image
     * @return its path
     */
    Path file(int index) {
        return files.get(index);
    }

    @Override
    public void read(int index, byte[] dest, int offset) throws IOException {
        toPixels.toPixels(ImageFiles.readForInput(files.get(index), imageSize().width(), imageSize().height(), maxPixels), dest,
                offset);
    }

    @Override
    public boolean inMemory() {
        return false;
    }

    @Override
    public String description() {
        return description;
    }
}
