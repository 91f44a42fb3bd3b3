package dev.asnet.runtime.vision;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.asnet.exporter.export.AslLowering;
import dev.asnet.exporter.testing.TestArrays;
import dev.asnet.runtime.AsnetModel;
import dev.asnet.runtime.RuntimeOptions;
import dev.asnet.runtime.TestModels;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Decompression bombs, the pixel limit, subsampled decoding and out-of-memory decoding. */
class ImageLimitsTest {
    @TempDir
    Path dir;

    /**
     * A PNG whose header declares w x h RGB pixels but whose data is a few hundred bytes: a valid
     * signature, IHDR, one small IDAT (zlib of zero rows, far too short) and IEND, with real CRCs.
     */
    static byte[] bombPng(int w, int h) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(w).putInt(h).put((byte) 8).put((byte) 2)
                .put((byte) 0).put((byte) 0).put((byte) 0);
        chunk(out, "IHDR", ihdr.array());
        Deflater d = new Deflater();
        d.setInput(new byte[64 * 1024]);
        d.finish();
        byte[] buf = new byte[4096];
        int n = d.deflate(buf);
        d.end();
        chunk(out, "IDAT", java.util.Arrays.copyOf(buf, n));
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(t);
        out.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    @Test
    void decompressionBombIsRefusedFromItsHeader() throws Exception {
        Path bomb = Files.write(dir.resolve("bomb.png"), bombPng(16000, 16000));
        long t0 = System.nanoTime();
        ImageDecodeException e = assertThrows(ImageDecodeException.class, () -> ImageFiles.read(bomb));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        String msg = e.getMessage();
        assertTrue(msg.startsWith(bomb.toString()) && msg.contains("16000x16000") && msg.contains("256.0 megapixels")
                && msg.contains("limit of 50000000 pixels") && msg.contains("asnet.image.maxPixels"), msg);
        assertTrue(ms < 1000, "refusing the bomb took " + ms + " ms");
        try (AsnetModel m = AsnetModel.open(TestModels.fashion(TestModels.AS_RESNET, AslLowering.DEPTHWISE),
                RuntimeOptions.defaults())) {
            ImageClassifier c = ImageClassifier.of(m);
            e = assertThrows(ImageDecodeException.class, () -> c.classify(bomb, 1));
            assertTrue(e.getMessage().contains("16000x16000"), e.getMessage());
        }
    }

    @Test
    void theLimitIsConfigurable() throws Exception {
        Path png = dir.resolve("small.png");
        ImageIO.write(new BufferedImage(20, 20, BufferedImage.TYPE_INT_RGB), "png", png.toFile());
        assertEquals(20, ImageFiles.read(png).getWidth());
        assertEquals(20, ImageFiles.read(png, 400).getWidth());
        ImageDecodeException e = assertThrows(ImageDecodeException.class, () -> ImageFiles.read(png, 399));
        assertTrue(e.getMessage().contains("20x20") && e.getMessage().contains("limit of 399 pixels"), e.getMessage());
        String old = System.getProperty(ImageFiles.MAX_PIXELS_PROPERTY);
        try {
            System.setProperty(ImageFiles.MAX_PIXELS_PROPERTY, "100");
            assertEquals(100, ImageFiles.maxPixels());
            assertThrows(ImageDecodeException.class, () -> ImageFiles.read(png));
            System.setProperty(ImageFiles.MAX_PIXELS_PROPERTY, "lots");
            IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, ImageFiles::maxPixels);
            assertTrue(bad.getMessage().contains("asnet.image.maxPixels=lots"), bad.getMessage());
        } finally {
            if (old == null) {
                System.clearProperty(ImageFiles.MAX_PIXELS_PROPERTY);
            } else {
                System.setProperty(ImageFiles.MAX_PIXELS_PROPERTY, old);
            }
        }
        assertEquals(ImageFiles.DEFAULT_MAX_PIXELS, ImageFiles.maxPixels());
    }

    /** A smooth RGB test picture: gradients and a few large blobs. */
    private static BufferedImage photo(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double u = (double) x / w;
                double v = (double) y / h;
                int r = (int) (255 * u);
                int g = (int) (255 * v);
                int b = (int) (127.5 + 127.5 * Math.sin(6 * u) * Math.cos(4 * v));
                img.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        return img;
    }

    @Test
    void largeImagesAreSubsampledAndStillClassified() throws Exception {
        Path big = dir.resolve("big.png");
        ImageIO.write(photo(3000, 2000), "png", big.toFile());
        assertEquals(35, ImageFiles.subsampling(3000, 2000, 28, 28));
        BufferedImage sub = ImageFiles.readForInput(big, 28, 28, ImageFiles.maxPixels());
        assertEquals(86, sub.getWidth());
        assertEquals(58, sub.getHeight());
        try (AsnetModel m = AsnetModel.open(TestModels.fashion(TestModels.AS_RESNET, AslLowering.DEPTHWISE),
                RuntimeOptions.defaults())) {
            ImageClassifier c = ImageClassifier.of(m);
            List<Prediction> top = c.classify(big, 10);
            assertEquals(10, top.size());
            assertEquals(1.0, top.stream().mapToDouble(Prediction::probability).sum(), 1e-5);
            // The reduced decode must give (nearly) the model input the full decode gives.
            ImageToTensor pre = new ImageToTensor(c.input());
            float[] fromSub = pre.toInput(sub);
            float[] fromFull = pre.toInput(ImageIO.read(big.toFile()));
            double maxPixelDiff = TestArrays.maxAbsDiff(fromSub, fromFull) * c.input().std()[0] * 255;
            assertTrue(maxPixelDiff <= 4, "subsampled input differs by " + maxPixelDiff + " gray levels");
        }
    }

    @Test
    void ordinaryImagesDecodeExactlyAsImageIoDoes() throws Exception {
        SplittableRandom r = new SplittableRandom(7);
        for (int[] size : new int[][] {{100, 80}, {111, 111}, {28, 28}, {300, 90}}) {
            BufferedImage img = new BufferedImage(size[0], size[1], BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < size[1]; y++) {
                for (int x = 0; x < size[0]; x++) {
                    img.setRGB(x, y, r.nextInt(1 << 24));
                }
            }
            for (String format : new String[] {"png", "jpg", "bmp"}) {
                Path f = dir.resolve("noise-" + size[0] + "x" + size[1] + "." + format);
                ImageIO.write(img, format, f.toFile());
                BufferedImage expected = ImageIO.read(f.toFile());
                BufferedImage got = ImageFiles.readForInput(f, 28, 28, ImageFiles.maxPixels());
                assertEquals(expected.getType(), got.getType(), f.toString());
                assertArrayEquals(expected.getRGB(0, 0, size[0], size[1], null, 0, size[0]),
                        got.getRGB(0, 0, got.getWidth(), got.getHeight(), null, 0, got.getWidth()), f.toString());
            }
        }
    }

    @Test
    void bytesDecodeExactlyAsTheSameFileDoes() throws Exception {
        // Small, large (subsampled) and odd-sized images in every format: bytes and file agree pixel for pixel.
        for (int[] size : new int[][] {{28, 28}, {111, 70}, {300, 200}}) {
            for (String format : new String[] {"png", "jpg", "bmp"}) {
                Path f = dir.resolve("photo-" + size[0] + "x" + size[1] + "." + format);
                ImageIO.write(photo(size[0], size[1]), format, f.toFile());
                BufferedImage fromFile = ImageFiles.readForInput(f, 28, 28, ImageFiles.maxPixels());
                BufferedImage fromBytes = ImageFiles.readForInput(Files.readAllBytes(f), "row 7", 28, 28,
                        ImageFiles.maxPixels());
                assertEquals(fromFile.getWidth(), fromBytes.getWidth(), f.toString());
                assertEquals(fromFile.getHeight(), fromBytes.getHeight(), f.toString());
                assertArrayEquals(fromFile.getRGB(0, 0, fromFile.getWidth(), fromFile.getHeight(), null, 0,
                        fromFile.getWidth()), fromBytes.getRGB(0, 0, fromBytes.getWidth(), fromBytes.getHeight(),
                        null, 0, fromBytes.getWidth()), f.toString());
            }
        }
    }

    @Test
    void badBytesAreRefusedNamingTheirSource() {
        ImageDecodeException bomb = assertThrows(ImageDecodeException.class, () -> ImageFiles.readForInput(
                bombPng(16000, 16000), "s3://bucket/bomb.png", 28, 28, ImageFiles.maxPixels()));
        assertTrue(bomb.getMessage().startsWith("s3://bucket/bomb.png: the image is 16000x16000"), bomb.getMessage());
        ImageDecodeException text = assertThrows(ImageDecodeException.class, () -> ImageFiles.readForInput(
                "not an image".getBytes(StandardCharsets.US_ASCII), "notes.png", 28, 28, ImageFiles.maxPixels()));
        assertEquals("notes.png: not a PNG, JPEG or BMP image", text.getMessage());
        byte[] png = bombPng(20, 20);
        ImageDecodeException truncated = assertThrows(ImageDecodeException.class, () -> ImageFiles.readForInput(
                java.util.Arrays.copyOf(png, 40), "cut.png", 28, 28, ImageFiles.maxPixels()));
        assertTrue(truncated.getMessage().startsWith("cut.png: cannot decode the image"), truncated.getMessage());
        ImageDecodeException empty = assertThrows(ImageDecodeException.class,
                () -> ImageFiles.readForInput(new byte[0], "empty.png", 28, 28, ImageFiles.maxPixels()));
        assertEquals("empty.png: is empty (0 bytes), not an image", empty.getMessage());
    }

    @Test
    void outOfMemoryWhileDecodingBecomesImageDecodeException() throws Exception {
        // 8000 x 8000 RGB needs 192 MB of pixels; the child JVM has 32 MB of heap and no pixel limit.
        Path bomb = Files.write(dir.resolve("oom.png"), bombPng(8000, 8000));
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path log = dir.resolve("child.log");
        Process p = new ProcessBuilder(java.toString(), "-Xmx32m", "-Djava.awt.headless=true", "-cp",
                System.getProperty("java.class.path"), DecodeMain.class.getName(), bomb.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child JVM did not finish");
        String out = Files.readString(log);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("failed: dev.asnet.runtime.vision.ImageDecodeException") && out.contains("oom.png")
                && out.contains("not enough memory to decode the 8000x8000 image"), out);
    }
}
