package dev.asnet.runtime.vision;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.asnet.exporter.InputSpec;
import dev.asnet.exporter.ModelInfo;
import dev.asnet.exporter.export.AslLowering;
import dev.asnet.exporter.testing.TestArrays;
import dev.asnet.ops.testing.OpSessions;
import dev.asnet.runtime.AsnetModel;
import dev.asnet.runtime.InvalidModelException;
import dev.asnet.runtime.RuntimeOptions;
import dev.asnet.runtime.TestModels;
import dev.asnet.runtime.dataset.FashionMnist;
import dev.asnet.runtime.dataset.LabeledImages;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageClassifierTest {
    private static LabeledImages test200;

    @TempDir
    Path dir;

    @BeforeAll
    static void loadDataset() throws IOException {
        if (Files.isDirectory(FashionMnist.DEFAULT_DIR)) {
            test200 = FashionMnist.test().limit(200);
        }
    }

    /** A dataset image as an 8-bit grayscale image. */
    static BufferedImage image(LabeledImages data, int index) {
        BufferedImage img = new BufferedImage(data.cols(), data.rows(), BufferedImage.TYPE_BYTE_GRAY);
        int n = data.rows() * data.cols();
        int[] px = new int[n];
        for (int i = 0; i < n; i++) {
            px[i] = Byte.toUnsignedInt(data.images().pixels()[index * n + i]);
        }
        img.getRaster().setPixels(0, 0, data.cols(), data.rows(), px);
        return img;
    }

    @Test
    void preprocessingComesFromTheMetadata() throws Exception {
        try (AsnetModel m = AsnetModel.open(TestModels.fashion(TestModels.AS_RESNET, AslLowering.CUSTOM),
                RuntimeOptions.defaults())) {
            ImageClassifier c = ImageClassifier.of(m);
            InputSpec p = c.input();
            assertEquals(1, p.channels());
            assertEquals(28, p.height());
            assertEquals(28, p.width());
            assertArrayEquals(new float[] {0.2860f}, p.mean());
            assertArrayEquals(new float[] {0.3530f}, p.std());
            assertEquals(FashionMnist.LABELS, c.labels());
        }
        try (AsnetModel m = AsnetModel.open(TestModels.withoutMetadata(
                TestModels.fashion(TestModels.AS_RESNET, AslLowering.PORTABLE)), RuntimeOptions.defaults())) {
            ImageClassifier c = ImageClassifier.of(m);
            InputSpec p = c.input();
            assertEquals(28, p.width());
            assertArrayEquals(new float[] {0f}, p.mean());
            assertArrayEquals(new float[] {1f}, p.std());
            assertEquals("class 9", c.labels().get(9));
        }
    }

    @Test
    void brokenMetadataIsRefusedNamingTheKey() throws Exception {
        byte[] bytes = TestModels.withMetadata(TestModels.fashion(TestModels.AS_RESNET, AslLowering.PORTABLE),
                ModelInfo.CHANNEL_MEAN, "0.2860,abc");
        try (AsnetModel m = AsnetModel.open(bytes, RuntimeOptions.defaults())) {
            InvalidModelException e = assertThrows(InvalidModelException.class, () -> ImageClassifier.of(m));
            assertTrue(e.getMessage().contains("asnet.channel_mean '0.2860,abc'"), e.getMessage());
        }
        byte[] twoChannels = TestModels.withMetadata(TestModels.fashion(TestModels.AS_RESNET, AslLowering.PORTABLE),
                ModelInfo.INPUT_SHAPE, "2,28,28");
        try (AsnetModel m = AsnetModel.open(twoChannels, RuntimeOptions.defaults())) {
            InvalidModelException e = assertThrows(InvalidModelException.class, () -> ImageClassifier.of(m));
            assertTrue(e.getMessage().contains("asnet.input_shape '2,28,28'") && e.getMessage().contains("not 2"),
                    e.getMessage());
        }
    }

    @Test
    void evaluationMatchesDirectRunsAndPredictAgrees() throws Exception {
        assumeTrue(test200 != null, "dataset-fashion-mnist not installed");
        byte[] bytes = TestModels.fashion(TestModels.AS_RESNET, AslLowering.CUSTOM);
        try (ImageClassifier c = ImageClassifier.open(Files.write(dir.resolve("m.onnx"), bytes), RuntimeOptions.defaults())) {
            Evaluation e = c.evaluate(test200, 37);
            assertEquals(200, e.count());
            // The reference: normalize by hand, run with the plain ONNX Runtime API, take the argmax.
            float[] x = new float[200 * 784];
            for (int i = 0; i < x.length; i++) {
                x[i] = (Byte.toUnsignedInt(test200.images().pixels()[i]) / 255f - 0.2860f) / 0.3530f;
            }
            float[] logits = OpSessions.runner(0).run(bytes, "input", x, 200, 1, 28, 28).get(0).data();
            int correct = 0;
            int[] predicted = e.predicted();
            for (int i = 0; i < 200; i++) {
                assertEquals(Softmax.argmax(logits, i * 10, 10), predicted[i], "image " + i);
                correct += predicted[i] == test200.label(i) ? 1 : 0;
            }
            assertEquals(correct, e.correct());
            assertEquals(correct / 200.0, e.accuracy(), 1e-12);
            assertEquals(200, Arrays.stream(e.confusion()).flatMapToInt(Arrays::stream).sum());
            assertTrue(e.imagesPerSecond() > 0);
            // The same images as PNG files through the image path give the same top class.
            for (int i = 0; i < 5; i++) {
                Path png = dir.resolve("img" + i + ".png");
                ImageIO.write(image(test200, i), "png", png.toFile());
                List<Prediction> top = c.classify(png, 3);
                assertEquals(3, top.size());
                assertEquals(predicted[i], top.get(0).index(), "image " + i);
                assertEquals(FashionMnist.LABELS.get(predicted[i]), top.get(0).label());
                assertTrue(top.get(0).probability() >= top.get(1).probability());
                float[] p = Softmax.probabilities(Arrays.copyOfRange(logits, i * 10, i * 10 + 10));
                assertEquals(p[predicted[i]], top.get(0).probability(), 1e-5f);
            }
        }
    }

    @Test
    void grayDatasetFeedsAnRgbModelAndWrongSizesAreRejected() throws Exception {
        assumeTrue(test200 != null, "dataset-fashion-mnist not installed");
        try (AsnetModel m28 = AsnetModel.open(TestModels.rgb(TestModels.AS_RESNET, 28), RuntimeOptions.defaults());
                AsnetModel m32 = AsnetModel.open(TestModels.rgb(TestModels.AS_RESNET, 32), RuntimeOptions.defaults())) {
            Evaluation e = ImageClassifier.of(m28).evaluate(test200.limit(20));
            assertEquals(20, e.count());
            IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                    () -> ImageClassifier.of(m32).evaluate(test200));
            assertTrue(ex.getMessage().contains("wrong input size: the model takes 3x32x32 images but the dataset's are 28x28"),
                    ex.getMessage());
        }
    }

    @Test
    void decodesPngJpegAndBmpOfAnySize() throws Exception {
        BufferedImage img = new BufferedImage(90, 60, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 60; y++) {
            for (int x = 0; x < 90; x++) {
                img.setRGB(x, y, (x * 2) << 16 | (y * 4) << 8 | 128);
            }
        }
        try (AsnetModel m = AsnetModel.open(TestModels.rgb(TestModels.AS_RESNET, 32), RuntimeOptions.defaults())) {
            ImageClassifier c = ImageClassifier.of(m);
            for (String format : new String[] {"png", "jpg", "bmp"}) {
                Path f = dir.resolve("img." + format);
                assertTrue(ImageIO.write(img, format, f.toFile()), format);
                List<Prediction> top = c.classify(f, 10);
                assertEquals(10, top.size(), format);
                double sum = top.stream().mapToDouble(Prediction::probability).sum();
                assertEquals(1.0, sum, 1e-5, format);
                assertEquals("airplane", c.labels().get(0));
            }
            List<List<Prediction>> batch = c.classifyAll(List.of(img, img), 1);
            assertEquals(batch.get(0), batch.get(1));
            assertThrows(IllegalArgumentException.class, () -> c.classify(img, 0));
        }
    }

    @Test
    void unreadableImages() throws Exception {
        assertThrows(NoSuchFileException.class, () -> ImageFiles.read(dir.resolve("absent.png")));
        Path text = Files.writeString(dir.resolve("notes.png"), "not an image");
        ImageDecodeException e = assertThrows(ImageDecodeException.class, () -> ImageFiles.read(text));
        assertTrue(e.getMessage().contains("not a PNG, JPEG or BMP image"), e.getMessage());
        BufferedImage img = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        Path png = dir.resolve("full.png");
        ImageIO.write(img, "png", png.toFile());
        byte[] bytes = Files.readAllBytes(png);
        Path cut = Files.write(dir.resolve("cut.png"), Arrays.copyOf(bytes, bytes.length / 2));
        e = assertThrows(ImageDecodeException.class, () -> ImageFiles.read(cut));
        assertTrue(e.getMessage().contains("cannot decode the image"), e.getMessage());
        assertThrows(ImageDecodeException.class, () -> ImageFiles.read(dir));
    }

    @Test
    void rawPixelsArePreparedLikeImages() throws Exception {
        try (AsnetModel gray = AsnetModel.open(TestModels.fashion(TestModels.AS_RESNET, AslLowering.PORTABLE),
                RuntimeOptions.defaults())) {
            ImageClassifier c = ImageClassifier.of(gray);
            int w = 40;
            int h = 30;
            byte[] luma = new byte[w * h];
            byte[] rgb = new byte[3 * w * h];
            BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
            java.util.Random random = new java.util.Random(7);
            for (int i = 0; i < w * h; i++) {
                int v = random.nextInt(256);
                luma[i] = (byte) v;
                rgb[3 * i] = rgb[3 * i + 1] = rgb[3 * i + 2] = (byte) v;
                image.setRGB(i % w, i / w, v << 16 | v << 8 | v);
            }
            List<Prediction> fromImage = c.classify(image, 10);
            assertEquals(fromImage, c.classifyPixels(luma, w, h, 10));
            assertEquals(fromImage, c.classifyPixels(rgb, w, h, 10));
            assertThrows(IllegalArgumentException.class, () -> c.classifyPixels(new byte[w * h + 1], w, h, 1));
            assertThrows(IllegalArgumentException.class, () -> c.classifyPixels(new byte[0], 0, 5, 1));
        }
        try (AsnetModel color = AsnetModel.open(TestModels.rgb(TestModels.AS_RESNET, 32), RuntimeOptions.defaults())) {
            ImageClassifier c = ImageClassifier.of(color);
            byte[] rgb = new byte[3 * 32 * 32];
            BufferedImage image = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
            for (int i = 0; i < 32 * 32; i++) {
                int r = i % 256;
                int g = (i * 7) % 256;
                int b = (i * 13) % 256;
                rgb[3 * i] = (byte) r;
                rgb[3 * i + 1] = (byte) g;
                rgb[3 * i + 2] = (byte) b;
                image.setRGB(i % 32, i / 32, r << 16 | g << 8 | b);
            }
            assertEquals(c.classify(image, 3), c.classifyPixels(rgb, 32, 32, 3));
        }
    }

    @Test
    void inputSpecAndImageToTensorValidate() {
        assertThrows(IllegalArgumentException.class, () -> new ImageToTensor(InputSpec.unnormalized(2, 28, 28)));
        assertThrows(IllegalArgumentException.class, () -> InputSpec.unnormalized(3, 0, 28));
        assertThrows(IllegalArgumentException.class,
                () -> InputSpec.unnormalized(3, 8, 8).withNormalization(new float[] {0.1f, 0.2f}, new float[] {1, 1}));
        assertThrows(IllegalArgumentException.class,
                () -> InputSpec.unnormalized(1, 8, 8).withNormalization(new float[] {0}, new float[] {0}));
    }
}
