package dev.asnet.runtime.dataset;

import java.util.Locale;

/**
 * The size of images as a model takes them: {@code channels x height x width}, with 1 (grayscale)
 * or 3 (RGB) channels.
 *
 * @param channels 1 or 3
 * @param height rows, >= 1
 * @param width columns, >= 1
 */
public record ImageSize(int channels, int height, int width) {
    /** The largest height or width accepted. */
    public static final int MAX_SIDE = 4096;

    /**
     * Validates the size.
     *
     * @throws IllegalArgumentException naming the bad value
     */
    public ImageSize {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("images have 1 (grayscale) or 3 (RGB) channels, not " + channels);
        }
        if (height < 1 || width < 1 || height > MAX_SIDE || width > MAX_SIDE) {
            throw new IllegalArgumentException("height and width must be in 1.." + MAX_SIDE + ", got " + height + "x"
                    + width);
        }
    }

    /**
     * Parses {@code CxHxW}, such as {@code 3x32x32}.
     *
     * @param text the size
     * @return the size
     * @throws IllegalArgumentException naming what is wrong
     */
    public static ImageSize parse(String text) {
        String[] parts = text.trim().toLowerCase(Locale.ROOT).split("x", -1);
        String usage = "'" + text + "' is not CxHxW (such as 1x28x28 or 3x224x224)";
        if (parts.length != 3) {
            throw new IllegalArgumentException(usage);
        }
        int[] v = new int[3];
        for (int i = 0; i < 3; i++) {
            try {
                v[i] = Integer.parseInt(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(usage, e);
            }
        }
        try {
            return new ImageSize(v[0], v[1], v[2]);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "': " + e.getMessage(), e);
        }
    }

    /**
     * Bytes of one image: channels x height x width.
     *
     * @return the count
     */
    public int bytes() {
        return channels * height * width;
    }

    @Override
    public String toString() {
        return channels + "x" + height + "x" + width;
    }
}
