package dev.asnet.runtime.dataset;

import java.util.Objects;

/**
 * Grayscale images from an IDX3 file: {@code count} images of {@code rows x cols} unsigned bytes,
 * stored row-major one after another.
 */
public final class IdxImages {
    private final int count;
    private final int rows;
    private final int cols;
    private final byte[] pixels;

    /**
     * Wraps pixel data (not copied).
     *
     * @param count number of images (>= 0)
     * @param rows image height (>= 1)
     * @param cols image width (>= 1)
     * @param pixels {@code count * rows * cols} unsigned pixel bytes
     */
    public IdxImages(int count, int rows, int cols, byte[] pixels) {
        Objects.requireNonNull(pixels, "pixels");
        if (count < 0 || rows < 1 || cols < 1) {
            throw new IllegalArgumentException("bad image set size " + count + "x" + rows + "x" + cols);
        }
        if ((long) count * rows * cols != pixels.length) {
            throw new IllegalArgumentException("pixels hold " + pixels.length + " bytes, expected "
                    + (long) count * rows * cols);
        }
        this.count = count;
        this.rows = rows;
        this.cols = cols;
        this.pixels = pixels;
    }

    /**
     * Number of images.
     *
     * @return the count
     */
    public int count() {
        return count;
    }

    /**
     * Image height in pixels.
     *
     * @return the rows
     */
    public int rows() {
        return rows;
    }

    /**
     * Image width in pixels.
     *
     * @return the columns
     */
    public int cols() {
        return cols;
    }

    /**
     * The pixel bytes of all images (shared, not copied: do not modify). Read a value with
     * {@code Byte.toUnsignedInt}.
     *
     * @return {@code count * rows * cols} bytes
     */
    public byte[] pixels() {
        return pixels;
    }

    /**
     * One pixel value.
     *
     * @param image image index
     * @param row row
     * @param col column
     * @return the value in [0, 255]
     */
    public int pixel(int image, int row, int col) {
        Objects.checkIndex(image, count);
        Objects.checkIndex(row, rows);
        Objects.checkIndex(col, cols);
        return Byte.toUnsignedInt(pixels[(image * rows + row) * cols + col]);
    }
}
