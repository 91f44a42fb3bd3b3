package dev.asnet.runtime.dataset;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FashionMnistTest {
    @TempDir
    Path dir;

    @Test
    void labelsAreTheTenFashionMnistClasses() {
        assertEquals(10, FashionMnist.LABELS.size());
        assertEquals("T-shirt/top", FashionMnist.LABELS.get(0));
        assertEquals("Ankle boot", FashionMnist.LABELS.get(9));
    }

    @Test
    void loadsPlainFilesFromAFolder() throws IOException {
        byte[] px = new byte[2 * 28 * 28];
        px[28 * 28 + 5] = (byte) 255;
        Files.write(dir.resolve("t10k-images-idx3-ubyte"), IdxReaderTest.imagesFile(2, 28, 28, px));
        Files.write(dir.resolve("t10k-labels-idx1-ubyte.gz"), IdxReaderTest.gzip(IdxReaderTest.labelsFile(new byte[] {3, 9})));
        LabeledImages set = FashionMnist.load(dir, FashionMnist.Split.TEST);
        assertEquals(2, set.size());
        assertArrayEquals(new int[] {3, 9}, set.labels());
        float[] img = new float[28 * 28 + 1];
        set.copyScaled(1, img, 1);
        assertEquals(1f, img[6]);
        assertEquals(0f, img[5]);
        assertEquals(1, set.limit(1).size());
        assertEquals(9, set.slice(1, 2).label(0));
    }

    @Test
    void missingFolderSaysHowToInstall() {
        NoSuchFileException e = assertThrows(NoSuchFileException.class,
                () -> FashionMnist.load(dir.resolve("absent"), FashionMnist.Split.TEST));
        assertTrue(e.getMessage().contains("apt-get install dataset-fashion-mnist"), e.getMessage());
        assertTrue(e.getMessage().contains("/usr/share/datasets/fashion-mnist"), e.getMessage());
    }

    @Test
    void missingFileSaysHowToInstall() throws IOException {
        Files.write(dir.resolve("t10k-images-idx3-ubyte"), IdxReaderTest.imagesFile(1, 28, 28, new byte[784]));
        NoSuchFileException e = assertThrows(NoSuchFileException.class,
                () -> FashionMnist.load(dir, FashionMnist.Split.TEST));
        assertTrue(e.getMessage().contains("t10k-labels-idx1-ubyte"), e.getMessage());
        assertTrue(e.getMessage().contains("apt-get install dataset-fashion-mnist"), e.getMessage());
    }

    @Test
    void countMismatchAndBadLabelsAreFormatErrors() throws IOException {
        Files.write(dir.resolve("train-images-idx3-ubyte"), IdxReaderTest.imagesFile(2, 28, 28, new byte[2 * 784]));
        Files.write(dir.resolve("train-labels-idx1-ubyte"), IdxReaderTest.labelsFile(new byte[] {1}));
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> FashionMnist.load(dir, FashionMnist.Split.TRAIN));
        assertTrue(e.getMessage().contains("holds 1 labels but train-images-idx3-ubyte holds 2 images"), e.getMessage());
        Files.write(dir.resolve("train-labels-idx1-ubyte"), IdxReaderTest.labelsFile(new byte[] {1, 10}));
        e = assertThrows(IdxFormatException.class, () -> FashionMnist.load(dir, FashionMnist.Split.TRAIN));
        assertTrue(e.getMessage().contains("label 10 at index 1"), e.getMessage());
    }

    @Test
    void splitNames() {
        assertEquals(FashionMnist.Split.TEST, FashionMnist.Split.parse("t10k"));
        assertEquals(FashionMnist.Split.TRAIN, FashionMnist.Split.parse("Train"));
        assertThrows(IllegalArgumentException.class, () -> FashionMnist.Split.parse("val"));
    }

    /** The installed Debian dataset: the content is what the dataset's documentation says. */
    @Test
    void readsTheInstalledDataset() throws IOException {
        assumeTrue(Files.isDirectory(FashionMnist.DEFAULT_DIR), "dataset-fashion-mnist not installed");
        LabeledImages test = FashionMnist.test();
        assertEquals(10_000, test.size());
        assertEquals(28, test.rows());
        assertEquals(28, test.cols());
        int[] perClass = new int[10];
        for (int l : test.labels()) {
            perClass[l]++;
        }
        for (int c : perClass) {
            assertEquals(1000, c, "the test split is balanced");
        }
        // Labels of the first test images as published with the dataset.
        assertArrayEquals(new int[] {9, 2, 1, 1, 6}, java.util.Arrays.copyOf(test.labels(), 5));
    }
}
