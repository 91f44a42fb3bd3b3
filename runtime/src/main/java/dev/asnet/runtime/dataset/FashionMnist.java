package dev.asnet.runtime.dataset;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The Fashion-MNIST dataset: 28x28 grayscale images of clothing in 10 classes, 60,000 for training
 * and 10,000 for testing, stored as four IDX files.
 *
 * <pre>{@code
 * LabeledImages test = FashionMnist.load(FashionMnist.DEFAULT_DIR, FashionMnist.Split.TEST);
 * }</pre>
 */
public final class FashionMnist {
    /** Where the Debian package {@code dataset-fashion-mnist} installs the files. */
    public static final Path DEFAULT_DIR = Path.of("/usr/share/datasets/fashion-mnist");
    /** How to get the files at {@link #DEFAULT_DIR}. */
    public static final String INSTALL_HINT =
            "'apt-get install dataset-fashion-mnist' installs them at " + DEFAULT_DIR;
    /** The class names, index = label. */
    public static final List<String> LABELS = List.of(
            "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");
    /** Image height and width. */
    public static final int IMAGE_SIZE = 28;

    /** A part of the dataset. */
    public enum Split {
        /** The 60,000 training images ({@code train-*} files). */
        TRAIN("train"),
        /** The 10,000 test images ({@code t10k-*} files). */
        TEST("t10k");

        private final String prefix;

        Split(String prefix) {
            this.prefix = prefix;
        }

        /**
         * The file name prefix of this split.
         *
         * @return {@code train} or {@code t10k}
         */
        public String prefix() {
            return prefix;
        }

        /**
         * Parses a split name, case-insensitively: {@code train}, or {@code test} / {@code t10k}.
         *
         * @param name the name
         * @return the split
         */
        public static Split parse(String name) {
            String n = name.trim().toLowerCase(Locale.ROOT);
            switch (n) {
                case "train":
                    return TRAIN;
                case "test":
                case "t10k":
                    return TEST;
                default:
                    throw new IllegalArgumentException("unknown split '" + name + "': use train or test");
            }
        }
    }

    private FashionMnist() {}

    /**
     * Loads the test split from {@link #DEFAULT_DIR}.
     *
     * @return the 10,000 test images
     * @throws IOException as {@link #load(Path, Split)}
     */
    public static LabeledImages test() throws IOException {
        return load(DEFAULT_DIR, Split.TEST);
    }

    /**
     * Loads the training split from {@link #DEFAULT_DIR}.
     *
     * @return the 60,000 training images
     * @throws IOException as {@link #load(Path, Split)}
     */
    public static LabeledImages train() throws IOException {
        return load(DEFAULT_DIR, Split.TRAIN);
    }

    /**
     * Loads one split from a folder holding {@code <prefix>-images-idx3-ubyte} and
     * {@code <prefix>-labels-idx1-ubyte}, each with or without {@code .gz}.
     *
     * @param dir the folder
     * @param split which split
     * @return the images with their labels and {@link #LABELS} as class names
     * @throws NoSuchFileException if the folder or a file is missing (the message says how to
     *     install the dataset)
     * @throws IdxFormatException if a file is not a valid IDX file, the image and label counts
     *     differ, or a label is outside 0..9
     * @throws IOException if reading fails
     */
    public static LabeledImages load(Path dir, Split split) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString(), null,
                    "Fashion-MNIST folder not found; " + INSTALL_HINT);
        }
        Path imagesFile = find(dir, split.prefix() + "-images-idx3-ubyte");
        Path labelsFile = find(dir, split.prefix() + "-labels-idx1-ubyte");
        IdxImages images = IdxReader.readImages(imagesFile);
        int[] labels = IdxReader.readLabels(labelsFile);
        if (labels.length != images.count()) {
            throw new IdxFormatException(labelsFile, "holds " + labels.length + " labels but "
                    + imagesFile.getFileName() + " holds " + images.count() + " images");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] >= LABELS.size()) {
                throw new IdxFormatException(labelsFile, "label " + labels[i] + " at index " + i
                        + " is not a Fashion-MNIST class (0.." + (LABELS.size() - 1) + ")");
            }
        }
        return new LabeledImages(images, labels, LABELS);
    }

    private static Path find(Path dir, String base) throws NoSuchFileException {
        Path gz = dir.resolve(base + ".gz");
        if (Files.isRegularFile(gz)) {
            return gz;
        }
        Path plain = dir.resolve(base);
        if (Files.isRegularFile(plain)) {
            return plain;
        }
        throw new NoSuchFileException(gz.toString(), null,
                "Fashion-MNIST file missing (neither " + base + ".gz nor " + base + " in " + dir + "); "
                        + INSTALL_HINT);
    }
}
