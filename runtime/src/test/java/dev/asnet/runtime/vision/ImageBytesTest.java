package dev.asnet.runtime.vision;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Images decoded from bytes in memory (as the server receives them) match the same file decoded. */
class ImageBytesTest {
    @TempDir
    Path dir;

    private static byte[] encode(BufferedImage image, String format) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(image, format, b));
        return b.toByteArray();
    }

    private static int[] pixels(BufferedImage image) {
        return image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
    }

    @Test
    void bytesDecodeExactlyAsTheFileDoes() throws Exception {
        SplittableRandom r = new SplittableRandom(3);
        for (int[] size : new int[][] {{28, 28}, {61, 37}, {300, 200}}) {
            BufferedImage image = new BufferedImage(size[0], size[1], BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < size[1]; y++) {
                for (int x = 0; x < size[0]; x++) {
                    image.setRGB(x, y, r.nextInt(1 << 24));
                }
            }
            for (String format : new String[] {"png", "jpg", "bmp"}) {
                byte[] bytes = encode(image, format);
                Path file = Files.write(dir.resolve("img." + format), bytes);
                BufferedImage fromFile = ImageFiles.readForInput(file, 28, 28, ImageFiles.DEFAULT_MAX_PIXELS);
                BufferedImage fromBytes = ImageFiles.readForInput(bytes, "image 0", 28, 28,
                        ImageFiles.DEFAULT_MAX_PIXELS);
                assertEquals(fromFile.getWidth(), fromBytes.getWidth(), format);
                assertEquals(fromFile.getHeight(), fromBytes.getHeight(), format);
                assertArrayEquals(pixels(fromFile), pixels(fromBytes), format + " " + size[0] + "x" + size[1]);
            }
        }
    }

    @Test
    void badBytesNameTheirSource() {
        ImageDecodeException e = assertThrows(ImageDecodeException.class, () -> ImageFiles.readForInput(
                "not an image".getBytes(StandardCharsets.UTF_8), "image 3 of the request", 28, 28, 1000));
        assertEquals("image 3 of the request: not a PNG, JPEG or BMP image", e.getMessage());
        byte[] bomb = ImageLimitsTest.bombPng(5000, 5000);
        ImageDecodeException big = assertThrows(ImageDecodeException.class,
                () -> ImageFiles.readForInput(bomb, "upload", 28, 28, 1_000_000));
        assertTrue(big.getMessage().startsWith("upload: the image is 5000x5000 pixels"), big.getMessage());
        byte[] truncated = java.util.Arrays.copyOf(bomb, 40);
        assertThrows(ImageDecodeException.class, () -> ImageFiles.readForInput(truncated, "cut", 28, 28, 1000));
    }
}
