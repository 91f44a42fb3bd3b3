package dev.asnet.runtime.quantize;

import dev.asnet.runtime.InputMismatchException;
import dev.asnet.runtime.dataset.LabeledImages;
import dev.asnet.runtime.vision.ImageFiles;
import dev.asnet.runtime.vision.ImageToTensor;
import dev.asnet.exporter.InputSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * The calibration sources of {@code asnet quantize}: a labelled IDX dataset (such as
 * Fashion-MNIST's training split), a folder of image files, or seeded random images. Each picks
 * its images deterministically from a seed and prepares them with the model's own
 * {@link InputSpec}.
 */
public final class CalibrationSets {
    /** File name endings read from an image folder (case-insensitive). */
    public static final List<String> IMAGE_ENDINGS = List.of(".png", ".jpg", ".jpeg", ".bmp");

    private CalibrationSets() {}

    /**
     * {@code count} images drawn without replacement from a dataset, in a seeded random order.
     *
     * @param images the dataset (grayscale; repeated over the model's channels)
     * @param pre the model's preprocessing
     * @param count how many to use (at most the dataset's size)
     * @param seed chooses the images
     * @param description what the dataset is, such as {@code fashion-mnist train (DIR)}
     * @return the calibration data
     * @throws InputMismatchException if the dataset's images are not the model's height and width
     * @throws IllegalArgumentException if the dataset is empty or count is not in [1, size]
     */
    public static CalibrationData fromDataset(LabeledImages images, InputSpec pre, int count, long seed,
            String description) {
        if (images.rows() != pre.height() || images.cols() != pre.width()) {
            throw new InputMismatchException("wrong calibration image size: the model takes " + pre.channels() + "x"
                    + pre.height() + "x" + pre.width() + " images but the dataset's are " + images.rows() + "x"
                    + images.cols());
        }
        int[] chosen = choose(images.size(), count, seed, description);
        int plane = pre.height() * pre.width();
        byte[] pixels = images.images().pixels();
        return new Chosen(chosen.length, pre.imageSize(), description, seed) {
            @Override
            public void fill(int index, float[] dest, int offset) {
                int src = chosen[index] * plane;
                for (int c = 0; c < pre.channels(); c++) {
                    for (int p = 0; p < plane; p++) {
                        dest[offset + c * plane + p] = pre.normalize(c, Byte.toUnsignedInt(pixels[src + p]));
                    }
                }
            }
        };
    }

    /**
     * {@code count} image files (PNG, JPEG, BMP) of a folder, chosen in a seeded random order from
     * the sorted file list, decoded and resized like {@code asnet predict} does.
     *
     * @param dir the folder (not searched recursively)
     * @param pre the model's preprocessing
     * @param count how many to use; more than the folder holds uses them all
     * @param seed chooses the files
     * @return the calibration data (files are decoded when filled)
     * @throws NoSuchFileException if the folder does not exist
     * @throws IllegalArgumentException if it holds no image file
     * @throws IOException if it cannot be listed
     */
    public static CalibrationData fromImageFolder(Path dir, InputSpec pre, int count, long seed) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "no such calibration image folder");
        }
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(Files::isRegularFile).filter(CalibrationSets::isImage).sorted().forEach(files::add);
        }
        String description = "image folder " + dir;
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no calibration data: " + description + " holds no "
                    + String.join(", ", IMAGE_ENDINGS) + " files");
        }
        int[] chosen = choose(files.size(), Math.min(count, files.size()), seed, description);
        ImageToTensor prep = new ImageToTensor(pre);
        long maxPixels = ImageFiles.maxPixels();
        return new Chosen(chosen.length, pre.imageSize(), description, seed) {
            @Override
            public void fill(int index, float[] dest, int offset) {
                Path f = files.get(chosen[index]);
                try {
                    prep.toInput(ImageFiles.readForInput(f, pre.width(), pre.height(), maxPixels), dest, offset);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
    }

    /**
     * Seeded random images: every pixel uniform in 0..255, then the model's normalization. For
     * latency measurements of models without their data (the ImageNet-size zoo); the ranges, and so
     * the accuracy, mean nothing.
     *
     * @param pre the model's preprocessing
     * @param count how many images
     * @param seed makes the pixels
     * @return the calibration data
     * @throws IllegalArgumentException if count &lt; 1
     */
    public static CalibrationData synthetic(InputSpec pre, int count, long seed) {
        if (count < 1) {
            throw new IllegalArgumentException("calibration needs at least 1 image, got " + count);
        }
        int plane = pre.height() * pre.width();
        return new Chosen(count, pre.imageSize(), "synthetic (uniform random pixels)", seed) {
            @Override
            public void fill(int index, float[] dest, int offset) {
                // One stream per image, so an image does not depend on which others are drawn.
                SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + index);
                for (int c = 0; c < pre.channels(); c++) {
                    for (int p = 0; p < plane; p++) {
                        dest[offset + c * plane + p] = pre.normalize(c, r.nextInt(256));
                    }
                }
            }
        };
    }

    /** The first {@code count} indices of a seeded shuffle of {@code [0, size)}. */
    static int[] choose(int size, int count, long seed, String what) {
        if (size == 0) {
            throw new IllegalArgumentException("no calibration data: " + what + " is empty");
        }
        if (count < 1 || count > size) {
            throw new IllegalArgumentException("cannot use " + count + " calibration images: " + what + " holds "
                    + size);
        }
        int[] idx = new int[size];
        for (int i = 0; i < size; i++) {
            idx[i] = i;
        }
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < count; i++) {
            int j = i + r.nextInt(size - i);
            int t = idx[i];
            idx[i] = idx[j];
            idx[j] = t;
        }
        return java.util.Arrays.copyOf(idx, count);
    }

    private static boolean isImage(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return IMAGE_ENDINGS.stream().anyMatch(n::endsWith);
    }

    /** The common fields. */
    private abstract static class Chosen implements CalibrationData {
        private final int size;
        private final int imageSize;
        private final String description;
        private final long seed;

        Chosen(int size, int imageSize, String description, long seed) {
            this.size = size;
            this.imageSize = imageSize;
            this.description = description;
            this.seed = seed;
        }

        @Override
        public int size() {
            return size;
        }

        @Override
        public int imageSize() {
            return imageSize;
        }

        @Override
        public String description() {
            return description;
        }

        @Override
        public long seed() {
            return seed;
        }
    }
}
