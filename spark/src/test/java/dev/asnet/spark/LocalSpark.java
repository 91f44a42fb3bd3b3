package dev.asnet.spark;

import dev.asnet.runtime.dataset.FashionMnist;
import dev.asnet.runtime.dataset.LabeledImages;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.apache.spark.sql.SparkSession;

/**
 * What the Spark tests share: one local[2] session for the whole test JVM (starting Spark costs
 * seconds), the pretrained model, and Fashion-MNIST test images written as PNG files.
 */
final class LocalSpark {
    /** The pretrained model shipped in models/ (custom lowering: dev.asnet ActiveShift nodes). */
    static final Path PRETRAINED = Path.of("../models/pretrained/as-resnet20-16x3-fashion-mnist.onnx");

    private static SparkSession session;

    private LocalSpark() {}

    /**
     * The shared session, started on first use, stopped when the JVM exits.
     *
     * @return the session
     */
    static synchronized SparkSession session() {
        if (session == null) {
            session = SparkSession.builder()
                    .master("local[2]")
                    .appName("asnet-spark tests")
                    .config("spark.ui.enabled", "false")
                    .config("spark.sql.shuffle.partitions", "4")
                    .getOrCreate();
            SparkSession s = session;
            Runtime.getRuntime().addShutdownHook(new Thread(s::stop));
        }
        return session;
    }

    /**
     * The first {@code n} Fashion-MNIST test images.
     *
     * @param n how many
     * @return the images and labels
     * @throws IOException if the dataset is not installed (setup.sh installs it)
     */
    static LabeledImages fashionTest(int n) throws IOException {
        return FashionMnist.load(FashionMnist.DEFAULT_DIR, FashionMnist.Split.TEST).limit(n);
    }

    /**
     * Writes images as 8-bit grayscale PNG files {@code 00000.png}, {@code 00001.png}, ... in dataset order.
     *
     * @param images the images
     * @param dir the folder (created if missing)
     * @return the folder
     * @throws IOException if writing fails
     */
    static Path writePngs(LabeledImages images, Path dir) throws IOException {
        Files.createDirectories(dir);
        int h = images.rows();
        int w = images.cols();
        byte[] pixels = images.images().pixels();
        for (int i = 0; i < images.size(); i++) {
            BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
            int[] row = new int[w * h];
            for (int p = 0; p < row.length; p++) {
                row[p] = Byte.toUnsignedInt(pixels[i * w * h + p]);
            }
            img.getRaster().setPixels(0, 0, w, h, row);
            if (!ImageIO.write(img, "png", dir.resolve(fileName(i)).toFile())) {
                throw new IOException("no PNG writer");
            }
        }
        return dir;
    }

    /**
     * The file name of image {@code i}.
     *
     * @param i the index
     * @return the name
     */
    static String fileName(int i) {
        return String.format(Locale.ROOT, "%05d.png", i);
    }

    /**
     * The dataset index of a file written by {@link #writePngs}, from its path or URI.
     *
     * @param path the path
     * @return the index
     */
    static int indexOf(String path) {
        String name = path.substring(path.lastIndexOf('/') + 1);
        return Integer.parseInt(name.substring(0, name.indexOf('.')));
    }
}
