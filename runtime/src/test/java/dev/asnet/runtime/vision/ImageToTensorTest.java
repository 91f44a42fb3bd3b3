package dev.asnet.runtime.vision;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.asnet.exporter.InputSpec;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

class ImageToTensorTest {
    private static ImageToTensor pre(int c, int h, int w) {
        return new ImageToTensor(InputSpec.unnormalized(c, h, w));
    }

    @Test
    void grayImageOfTheInputSizeIsReadPixelForPixel() {
        BufferedImage img = new BufferedImage(3, 2, BufferedImage.TYPE_BYTE_GRAY);
        int[] values = {0, 17, 128, 200, 254, 255};
        img.getRaster().setPixels(0, 0, 3, 2, values);
        ImageToTensor p = new ImageToTensor(new InputSpec(1, 2, 3, new float[] {0.5f}, new float[] {0.25f}));
        float[] x = p.toInput(img);
        for (int i = 0; i < values.length; i++) {
            assertEquals((values[i] / 255f - 0.5f) / 0.25f, x[i], 1e-6f, "pixel " + i);
        }
    }

    @Test
    void sixteenBitGrayIsScaledTo8Bits() {
        BufferedImage img = new BufferedImage(2, 1, BufferedImage.TYPE_USHORT_GRAY);
        img.getRaster().setPixels(0, 0, 2, 1, new int[] {65535, 0});
        assertArrayEquals(new float[] {1f, 0f}, pre(1, 1, 2).toInput(img), 1e-6f);
    }

    @Test
    void rgbIsChannelMajorAndCenterCropped() {
        // 4 wide, 2 high; the input is 2x2, so the two middle columns remain.
        BufferedImage img = new BufferedImage(4, 2, BufferedImage.TYPE_INT_RGB);
        int[] colors = {0xff0000, 0x00ff00, 0x0000ff, 0xffffff};
        for (int x = 0; x < 4; x++) {
            for (int y = 0; y < 2; y++) {
                img.setRGB(x, y, colors[x]);
            }
        }
        float[] v = pre(3, 2, 2).toInput(img);
        // Planes R, G, B; each row holds column 1 (green) then column 2 (blue).
        assertArrayEquals(new float[] {0, 0, 0, 0, 1, 0, 1, 0, 0, 1, 0, 1}, v, 1e-6f);
    }

    @Test
    void colorBecomesGrayByLuma() {
        BufferedImage img = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        img.setRGB(0, 0, 0xff0000);
        assertEquals(76 / 255f, pre(1, 1, 1).toInput(img)[0], 1e-6f);
        assertEquals(76, ImageToTensor.luma(255, 0, 0));
        assertEquals(255, ImageToTensor.luma(255, 255, 255));
    }

    @Test
    void grayBecomesThreeEqualChannels() {
        BufferedImage img = new BufferedImage(1, 1, BufferedImage.TYPE_BYTE_GRAY);
        img.getRaster().setSample(0, 0, 0, 51);
        assertArrayEquals(new float[] {0.2f, 0.2f, 0.2f}, pre(3, 1, 1).toInput(img), 1e-6f);
    }

    @Test
    void transparencyIsCompositedOverBlack() {
        BufferedImage img = new BufferedImage(1, 1, BufferedImage.TYPE_INT_ARGB);
        img.setRGB(0, 0, 0x80ff0000);
        float[] v = pre(3, 1, 1).toInput(img);
        assertArrayEquals(new float[] {128 / 255f, 0, 0}, v, 1e-6f);
    }

    @Test
    void largeImagesAreScaledDownWithoutChangingFlatColor() {
        BufferedImage img = new BufferedImage(640, 300, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(new Color(10, 120, 240));
        g.fillRect(0, 0, 640, 300);
        g.dispose();
        float[] v = pre(3, 28, 28).toInput(img);
        for (int i = 0; i < 28 * 28; i++) {
            assertEquals(10 / 255f, v[i], 1e-6f);
            assertEquals(120 / 255f, v[28 * 28 + i], 1e-6f);
            assertEquals(240 / 255f, v[2 * 28 * 28 + i], 1e-6f);
        }
    }

    @Test
    void smallImagesAreScaledUpAndCropped() {
        // Left half black, right half white, 8x4: scaled to cover 6x6 (12x6), cropped to the middle.
        BufferedImage img = new BufferedImage(8, 4, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 4; y++) {
            for (int x = 4; x < 8; x++) {
                img.getRaster().setSample(x, y, 0, 255);
            }
        }
        float[] v = pre(1, 6, 6).toInput(img);
        for (int y = 0; y < 6; y++) {
            assertEquals(0f, v[y * 6], 1e-6f, "left edge stays dark");
            assertEquals(1f, v[y * 6 + 5], 1e-6f, "right edge stays bright");
        }
    }
}
