package dev.asnet.runtime.dataset;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Polygon;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * Small labeled datasets written by tests, in the layouts {@link DatasetFolder} reads: class
 * folders of synthetic shapes, and CIFAR-10 binary files of color-coded images. Both are seeded
 * and learnable in a few epochs by a small network.
 */
public final class SyntheticDatasets {
    /** The shape classes, in sorted (label) order. */
    public static final List<String> SHAPES = List.of("circle", "square", "triangle");
    /** Labels used by {@link #writeCifar}: red, green, blue and gray images. */
    public static final int CIFAR_CLASSES_USED = 4;

    private SyntheticDatasets() {}

    /**
     * One shape image: a filled circle, square or triangle of random color, size and position on
     * a noisy background of another color.
     *
     * @param shape index into {@link #SHAPES}
     * @param width image width
     * @param height image height
     * @param r the random source
     * @return the image
     */
    public static BufferedImage shape(int shape, int width, int height, Random r) {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        int bg = r.nextInt(90);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int v = Math.max(0, Math.min(255, bg + r.nextInt(31) - 15));
                img.setRGB(x, y, v << 16 | (v / 2) << 8 | (255 - v) / 3);
            }
        }
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(new Color(130 + r.nextInt(126), 130 + r.nextInt(126), 130 + r.nextInt(126)));
            int side = Math.min(width, height);
            int s = side / 2 + r.nextInt(Math.max(1, side / 4));
            int x0 = r.nextInt(Math.max(1, width - s));
            int y0 = r.nextInt(Math.max(1, height - s));
            switch (shape) {
                case 0 -> g.fillOval(x0, y0, s, s);
                case 1 -> g.fillRect(x0, y0, s, s);
                default -> g.fillPolygon(new Polygon(new int[] {x0 + s / 2, x0, x0 + s}, new int[] {y0, y0 + s, y0 + s},
                        3));
            }
        } finally {
            g.dispose();
        }
        return img;
    }

    /**
     * Writes a shapes dataset as {@code root/train/<shape>/i.png} and {@code root/val/<shape>/i.png}.
     *
     * @param root the folder (created)
     * @param trainPerClass training images per class
     * @param valPerClass validation images per class (0: no {@code val/}, and the class folders go
     *     directly into {@code root})
     * @param size width and height
     * @param seed the seed
     * @return {@code root}
     * @throws IOException if writing fails
     */
    public static Path writeShapes(Path root, int trainPerClass, int valPerClass, int size, long seed)
            throws IOException {
        Random r = new Random(seed);
        Path train = valPerClass > 0 ? root.resolve("train") : root;
        for (int k = 0; k < SHAPES.size(); k++) {
            writeImages(train.resolve(SHAPES.get(k)), k, trainPerClass, size, r);
            if (valPerClass > 0) {
                writeImages(root.resolve("val").resolve(SHAPES.get(k)), k, valPerClass, size, r);
            }
        }
        return root;
    }

    private static void writeImages(Path dir, int shape, int n, int size, Random r) throws IOException {
        Files.createDirectories(dir);
        for (int i = 0; i < n; i++) {
            write(shape(shape, size, size, r), dir.resolve(String.format("%03d.png", i)));
        }
    }

    /**
     * Writes an image as PNG.
     *
     * @param image the image
     * @param file the file
     * @return the file
     */
    public static Path write(BufferedImage image, Path file) {
        try {
            if (!ImageIO.write(image, "png", file.toFile())) {
                throw new IOException("no PNG writer");
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The CIFAR-10 record of one synthetic image: label {@code k} of {@link #CIFAR_CLASSES_USED}
     * is a noisy red, green, blue or gray image.
     *
     * @param label the label
     * @param r the random source
     * @return 3073 bytes: the label, then the red, green and blue planes
     */
    public static byte[] cifarRecord(int label, Random r) {
        byte[] rec = new byte[Cifar10Files.RECORD];
        rec[0] = (byte) label;
        int plane = 32 * 32;
        for (int i = 0; i < plane; i++) {
            int base = 60 + r.nextInt(60);
            for (int c = 0; c < 3; c++) {
                int v = base + (label == c || label == 3 ? 80 : 0) + r.nextInt(40);
                rec[1 + c * plane + i] = (byte) Math.min(255, v);
            }
        }
        return rec;
    }

    /**
     * Writes {@code data_batch_1.bin}, {@code data_batch_2.bin} and {@code test_batch.bin} with
     * labels cycling over {@link #CIFAR_CLASSES_USED} classes.
     *
     * @param dir the folder (created)
     * @param trainRecords records in each of the two training files
     * @param testRecords records in the test file
     * @param seed the seed
     * @return {@code dir}
     * @throws IOException if writing fails
     */
    public static Path writeCifar(Path dir, int trainRecords, int testRecords, long seed) throws IOException {
        Files.createDirectories(dir);
        Random r = new Random(seed);
        String[] names = {"data_batch_1.bin", "data_batch_2.bin", "test_batch.bin"};
        int[] counts = {trainRecords, trainRecords, testRecords};
        for (int f = 0; f < names.length; f++) {
            byte[] all = new byte[counts[f] * Cifar10Files.RECORD];
            for (int i = 0; i < counts[f]; i++) {
                System.arraycopy(cifarRecord(i % CIFAR_CLASSES_USED, r), 0, all, i * Cifar10Files.RECORD,
                        Cifar10Files.RECORD);
            }
            Files.write(dir.resolve(names[f]), all);
        }
        return dir;
    }
}
