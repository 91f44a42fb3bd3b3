package dev.asnet.runtime.dataset;

import dev.asnet.runtime.vision.ImageToTensor;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;

/**
 * Images in the CIFAR-10 binary format, read from disk on each {@link #read}: each file is a
 * sequence of 3073-byte records, one label byte followed by a 32x32 image as three 1024-byte
 * planes (red, green, blue), rows top to bottom. The labels are read once, when the files are
 * opened, which also checks every file's length and label. A 1-channel view converts the pixels to
 * gray as {@link ImageToTensor#luma} does for any color image.
 */
final class Cifar10Files extends LabeledDataset {
    /** Side of a CIFAR-10 image. */
    static final int SIDE = 32;
    /** Bytes of one record: the label and 3 x 32 x 32 pixels. */
    static final int RECORD = 1 + 3 * SIDE * SIDE;

    private final Path[] files;
    private final int[] first;
    private final String description;

    private Cifar10Files(Path[] files, int[] first, int[] labels, List<String> classNames, int channels,
            String description) {
        super(new ImageSize(channels, SIDE, SIDE), labels, classNames);
        this.files = files;
        this.first = first;
        this.description = description;
    }

    /**
     * Opens CIFAR-10 files, reading and checking their labels.
     *
     * @param files the files, in order
     * @param classNames the class names (labels must be below their count)
     * @param channels 3, or 1 for gray
     * @param description what the images are, for messages
     * @return the dataset
     * @throws DatasetException if a file's length is not a whole number of records or a label is
     *     not a class
     * @throws IOException if reading fails
     */
    static Cifar10Files open(List<Path> files, List<String> classNames, int channels, String description)
            throws IOException {
        int[] first = new int[files.size() + 1];
        long total = 0;
        for (int f = 0; f < files.size(); f++) {
            long bytes = Files.size(files.get(f));
            if (bytes == 0 || bytes % RECORD != 0) {
                throw new DatasetException(files.get(f), "is " + bytes + " bytes, not a whole number of CIFAR-10 "
                        + "records (" + RECORD + " bytes each: a label byte and 3x32x32 pixels); truncated or not a "
                        + "CIFAR-10 binary file");
            }
            first[f] = (int) total;
            total += bytes / RECORD;
            if (total > Integer.MAX_VALUE - 8) {
                throw new DatasetException(files.get(f), "too many records");
            }
        }
        first[files.size()] = (int) total;
        int[] labels = new int[(int) total];
        byte[] record = new byte[RECORD];
        for (int f = 0; f < files.size(); f++) {
            try (InputStream in = new BufferedInputStream(Files.newInputStream(files.get(f)), 1 << 16)) {
                for (int i = first[f]; i < first[f + 1]; i++) {
                    if (in.readNBytes(record, 0, RECORD) != RECORD) {
                        throw new DatasetException(files.get(f), "ends inside record " + (i - first[f]));
                    }
                    int label = Byte.toUnsignedInt(record[0]);
                    if (label >= classNames.size()) {
                        throw new DatasetException(files.get(f), "record " + (i - first[f]) + " has label " + label
                                + ", but there are " + classNames.size() + " classes (0.." + (classNames.size() - 1)
                                + "); not a CIFAR-10 binary file (CIFAR-100's files have two label bytes)");
                    }
                    labels[i] = label;
                }
            }
        }
        return new Cifar10Files(files.toArray(Path[]::new), first, labels, classNames, channels, description);
    }

    @Override
    public void read(int index, byte[] dest, int offset) throws IOException {
        java.util.Objects.checkIndex(index, size());
        int f = Arrays.binarySearch(first, index);
        if (f < 0) {
            f = -f - 2;
        }
        while (first[f + 1] == index) {
            f++; // an empty file cannot occur (checked when opened); kept for safety of the search
        }
        int plane = SIDE * SIDE;
        byte[] px = new byte[3 * plane];
        ByteBuffer b = ByteBuffer.wrap(px);
        long pos = (long) (index - first[f]) * RECORD + 1;
        try (FileChannel ch = FileChannel.open(files[f], StandardOpenOption.READ)) {
            while (b.hasRemaining()) {
                if (ch.read(b, pos + b.position()) < 0) {
                    throw new DatasetException(files[f], "ends inside record " + (index - first[f])
                            + " (the file changed since it was opened)");
                }
            }
        }
        if (imageSize().channels() == 3) {
            System.arraycopy(px, 0, dest, offset, 3 * plane);
            return;
        }
        for (int i = 0; i < plane; i++) {
            dest[offset + i] = (byte) ImageToTensor.luma(Byte.toUnsignedInt(px[i]), Byte.toUnsignedInt(px[plane + i]),
                    Byte.toUnsignedInt(px[2 * plane + i]));
        }
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
