package dev.asnet.runtime.vision;

import dev.asnet.exporter.InputSpec;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.util.Objects;

/**
 * Turns decoded images into a model's input tensor, as its {@link InputSpec} says (the size and
 * normalization recorded in the model's metadata): scales the image so it
 * covers the input size (keeping the aspect ratio), crops the center, converts to grayscale
 * (ITU-R BT.601 luma, as PIL's {@code "L"} mode) or RGB as the model's channel count demands,
 * and normalizes each channel. Transparent pixels are composited over black, the background of
 * MNIST-style images. An image already of the input size is used pixel for pixel, unscaled.
 * Thread-safe.
 */
public final class ImageToTensor {
    private final InputSpec input;

    /**
     * Creates a converter.
     *
     * @param input the target size and normalization; 1 (grayscale) or 3 (RGB) channels
     * @throws IllegalArgumentException if the input has another channel count: images have no
     *     other
     */
    public ImageToTensor(InputSpec input) {
        this.input = Objects.requireNonNull(input, "input");
        if (input.channels() != 1 && input.channels() != 3) {
            throw new IllegalArgumentException("images have 1 (grayscale) or 3 (RGB) channels, not "
                    + input.channels());
        }
    }

    /**
     * The input produced.
     *
     * @return the input specification
     */
    public InputSpec input() {
        return input;
    }

    /**
     * Converts one image into {@code channels x height x width} normalized floats.
     *
     * @param image any decoded image
     * @return the input values, channel-major
     */
    public float[] toInput(BufferedImage image) {
        float[] out = new float[input.imageSize()];
        toInput(image, out, 0);
        return out;
    }

    /**
     * Converts one image into {@code dest}, starting at {@code offset}.
     *
     * @param image any decoded image
     * @param dest destination array
     * @param offset where the image's {@code channels x height x width} values start
     */
    public void toInput(BufferedImage image, float[] dest, int offset) {
        int plane = input.height() * input.width();
        int[] values = pixelValues(image, dest.length, offset);
        for (int k = 0; k < values.length; k++) {
            dest[offset + k] = input.normalize(k / plane, values[k]);
        }
    }

    /**
     * Prepares one image as {@link #toInput(BufferedImage, float[], int)} does (scaled to cover,
     * center-cropped, grayscale or RGB), but stops before the normalization: {@code channels x
     * height x width} pixel values 0-255, channel-major. A training set is held and augmented in
     * this form; normalizing these values with {@link InputSpec#normalize} gives exactly what
     * {@code toInput} gives.
     *
     * @param image any decoded image
     * @param dest destination array
     * @param offset where the image's {@code channels x height x width} bytes start
     */
    public void toPixels(BufferedImage image, byte[] dest, int offset) {
        int[] values = pixelValues(image, dest.length, offset);
        for (int k = 0; k < values.length; k++) {
            dest[offset + k] = (byte) values[k];
        }
    }

    /**
     * The one preparation both forms share: scaled to cover, center-cropped, then the
     * {@code channels x height x width} values 0-255, channel-major (gray as BT.601 luma).
     */
    private int[] pixelValues(BufferedImage image, int destLength, int offset) {
        int h = input.height();
        int w = input.width();
        int c = input.channels();
        Objects.checkFromIndexSize(offset, c * h * w, destLength);
        int[] rgb = fitted(image, w, h);
        int plane = h * w;
        int[] values = new int[c * plane];
        for (int i = 0; i < plane; i++) {
            int p = rgb[i];
            int r = (p >> 16) & 0xff;
            int g = (p >> 8) & 0xff;
            int b = p & 0xff;
            if (c == 1) {
                values[i] = luma(r, g, b);
            } else {
                values[i] = r;
                values[plane + i] = g;
                values[2 * plane + i] = b;
            }
        }
        return values;
    }

    /**
     * BT.601 luma rounded to an integer, as PIL computes it for mode "L": how a color image becomes
     * a grayscale model's input.
     *
     * @param r red, 0-255
     * @param g green, 0-255
     * @param b blue, 0-255
     * @return the gray value, 0-255
     */
    public static int luma(int r, int g, int b) {
        return (r * 299 + g * 587 + b * 114 + 500) / 1000;
    }

    /** The image scaled to cover w x h and center-cropped, as packed RGB ints, row-major. */
    private static int[] fitted(BufferedImage image, int w, int h) {
        BufferedImage rgb = toRgb(image);
        if (rgb.getWidth() != w || rgb.getHeight() != h) {
            double scale = Math.max((double) w / rgb.getWidth(), (double) h / rgb.getHeight());
            int sw = Math.max(w, (int) Math.round(rgb.getWidth() * scale));
            int sh = Math.max(h, (int) Math.round(rgb.getHeight() * scale));
            BufferedImage scaled = scale(rgb, sw, sh);
            rgb = scaled.getSubimage((sw - w) / 2, (sh - h) / 2, w, h);
        }
        return rgb.getRGB(0, 0, w, h, null, 0, w);
    }

    /**
     * Copies any image into an sRGB {@code TYPE_INT_RGB} image. Grayscale rasters are read as
     * sample values: letting Java2D convert them would treat them as linear gray and change them.
     */
    private static BufferedImage toRgb(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Raster raster = image.getRaster();
        boolean gray = image.getColorModel().getColorSpace().getType() == ColorSpace.TYPE_GRAY
                && !(image.getColorModel() instanceof IndexColorModel) && raster.getNumBands() <= 2;
        int[] row = new int[w];
        if (gray) {
            int bits = image.getColorModel().getComponentSize(0);
            boolean alpha = raster.getNumBands() == 2;
            int[] samples = new int[w];
            int[] alphas = alpha ? new int[w] : null;
            for (int y = 0; y < h; y++) {
                raster.getSamples(0, y, w, 1, 0, samples);
                if (alpha) {
                    raster.getSamples(0, y, w, 1, 1, alphas);
                }
                for (int x = 0; x < w; x++) {
                    int v = to8Bits(samples[x], bits);
                    if (alpha) {
                        v = v * to8Bits(alphas[x], image.getColorModel().getComponentSize(1)) / 255;
                    }
                    row[x] = (v << 16) | (v << 8) | v;
                }
                out.setRGB(0, y, w, 1, row, 0, w);
            }
            return out;
        }
        boolean alpha = image.getColorModel().hasAlpha();
        for (int y = 0; y < h; y++) {
            image.getRGB(0, y, w, 1, row, 0, w);
            if (alpha) {
                for (int x = 0; x < w; x++) {
                    int p = row[x];
                    int a = p >>> 24;
                    int r = ((p >> 16) & 0xff) * a / 255;
                    int g = ((p >> 8) & 0xff) * a / 255;
                    int b = (p & 0xff) * a / 255;
                    row[x] = (r << 16) | (g << 8) | b;
                }
            }
            out.setRGB(0, y, w, 1, row, 0, w);
        }
        return out;
    }

    private static int to8Bits(int sample, int bits) {
        if (bits == 8) {
            return sample;
        }
        int max = (1 << bits) - 1;
        return (int) Math.round(sample * 255.0 / max);
    }

    /**
     * Bilinear scaling; large reductions go in halving steps so that every source pixel contributes
     * (one bilinear step would skip most of them and alias).
     */
    private static BufferedImage scale(BufferedImage src, int w, int h) {
        BufferedImage cur = src;
        int cw = src.getWidth();
        int ch = src.getHeight();
        while (cw / 2 >= w && ch / 2 >= h) {
            cw /= 2;
            ch /= 2;
            cur = draw(cur, cw, ch);
        }
        return cw == w && ch == h ? cur : draw(cur, w, h);
    }

    private static BufferedImage draw(BufferedImage src, int w, int h) {
        BufferedImage dst = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = dst.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.drawImage(src, 0, 0, w, h, null);
        } finally {
            g.dispose();
        }
        return dst;
    }
}
