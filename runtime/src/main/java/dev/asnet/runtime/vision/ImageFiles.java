package dev.asnet.runtime.vision;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes image files with {@code javax.imageio}, which reads PNG, JPEG, BMP, GIF and WBMP.
 *
 * <p>Image files are untrusted input: a 250 KB PNG can declare 16000 x 16000 pixels, which takes
 * seconds and gigabytes to decode (a "decompression bomb"). So the header is read first and an
 * image of more than {@link #maxPixels()} pixels is refused before any pixel is decoded. The limit
 * is {@value #DEFAULT_MAX_PIXELS} pixels by default (for example 8660 x 5773), set with the system
 * property {@value #MAX_PIXELS_PROPERTY} or per call with {@link #read(Path, long)}. When decoding
 * runs out of memory anyway, the error is an {@link ImageDecodeException}, not an
 * {@link OutOfMemoryError}.
 *
 * <p>{@link #readForInput(Path, int, int, long)} decodes a large image at reduced resolution (every
 * n-th pixel of every n-th row, keeping at least twice the resolution the model input needs), which
 * is how {@link ImageClassifier} reads files: a 3000 x 2000 photo for a 28 x 28 input costs a 86 x
 * 58 image instead of 24 MB of pixels. Images less than four times the input size in either
 * direction are decoded in full, exactly as {@link #read(Path)} does.
 */
public final class ImageFiles {
    /** The default largest image accepted, in pixels (width x height): 50 megapixels. */
    public static final long DEFAULT_MAX_PIXELS = 50_000_000L;
    /** System property overriding {@link #DEFAULT_MAX_PIXELS}: a positive pixel count. */
    public static final String MAX_PIXELS_PROPERTY = "asnet.image.maxPixels";

    static {
        // No disk cache: images are small and a cache directory may not be writable.
        ImageIO.setUseCache(false);
    }

    private ImageFiles() {}

    /**
     * The pixel limit in effect: the {@value #MAX_PIXELS_PROPERTY} system property when set,
     * otherwise {@value #DEFAULT_MAX_PIXELS}.
     *
     * @return the largest accepted width x height
     * @throws IllegalArgumentException if the property is set but not a positive integer
     */
    public static long maxPixels() {
        String v = System.getProperty(MAX_PIXELS_PROPERTY);
        if (v == null || v.isBlank()) {
            return DEFAULT_MAX_PIXELS;
        }
        long n;
        try {
            n = Long.parseLong(v.trim().replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-D" + MAX_PIXELS_PROPERTY + "=" + v + ": not a whole number of pixels");
        }
        if (n < 1) {
            throw new IllegalArgumentException("-D" + MAX_PIXELS_PROPERTY + "=" + v + ": must be at least 1");
        }
        return n;
    }

    /**
     * Decodes an image file in full, refusing images over {@link #maxPixels()}.
     *
     * @param file the file
     * @return the image
     * @throws NoSuchFileException if the file does not exist
     * @throws ImageDecodeException if it is not a readable image, is larger than the pixel limit, or
     *     there is not enough memory to decode it
     * @throws IOException if reading fails
     */
    public static BufferedImage read(Path file) throws IOException {
        return read(file, maxPixels());
    }

    /**
     * Decodes an image file in full.
     *
     * @param file the file
     * @param maxPixels the largest width x height accepted (>= 1)
     * @return the image
     * @throws NoSuchFileException if the file does not exist
     * @throws ImageDecodeException if it is not a readable image, is larger than {@code maxPixels},
     *     or there is not enough memory to decode it
     * @throws IOException if reading fails
     */
    public static BufferedImage read(Path file, long maxPixels) throws IOException {
        return decode(file, 0, 0, maxPixels);
    }

    /**
     * Decodes an image file for a model input of the given size: a large image is decoded at
     * reduced resolution, subsampled by {@link #subsampling} (at least twice the input's resolution
     * remains for the preprocessing's own scaling); other images are decoded in full.
     *
     * @param file the file
     * @param width the model input's width (>= 1)
     * @param height the model input's height (>= 1)
     * @param maxPixels the largest width x height accepted, counted at full resolution (>= 1)
     * @return the image, possibly smaller than the file's
     * @throws NoSuchFileException if the file does not exist
     * @throws ImageDecodeException if it is not a readable image, is larger than {@code maxPixels},
     *     or there is not enough memory to decode it
     * @throws IOException if reading fails
     */
    public static BufferedImage readForInput(Path file, int width, int height, long maxPixels) throws IOException {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("input size must be positive, got " + width + "x" + height);
        }
        return decode(file, width, height, maxPixels);
    }

    /**
     * The subsampling factor for decoding an image for a smaller target: half the smaller of the
     * two size ratios, rounded down, at least 1. The decoded image keeps at least twice the
     * target's resolution in both directions, so the preprocessing still averages pixels when it
     * scales down; images under four times the target in either direction get 1 (no subsampling).
     *
     * @param imageWidth the image's width
     * @param imageHeight the image's height
     * @param targetWidth the target width, or 0 for no target
     * @param targetHeight the target height, or 0 for no target
     * @return the factor, >= 1
     */
    public static int subsampling(int imageWidth, int imageHeight, int targetWidth, int targetHeight) {
        if (targetWidth < 1 || targetHeight < 1) {
            return 1;
        }
        int ratio = Math.min(imageWidth / targetWidth, imageHeight / targetHeight);
        return Math.max(1, ratio / 2);
    }

    private static BufferedImage decode(Path file, int targetWidth, int targetHeight, long maxPixels)
            throws IOException {
        if (maxPixels < 1) {
            throw new IllegalArgumentException("maxPixels must be >= 1, got " + maxPixels);
        }
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString(), null, "image file not found");
        }
        if (Files.isDirectory(file)) {
            throw new ImageDecodeException(file, "is a directory, not an image", null);
        }
        try (InputStream in = Files.newInputStream(file)) {
            return decode(in, file.toString(), targetWidth, targetHeight, maxPixels);
        }
    }

    /**
     * Decodes an image held in memory (the bytes of a PNG, JPEG or BMP file, as a table of files
     * holds them) for a model input of the given size, exactly as {@link #readForInput(Path, int, int,
     * long)} decodes the same bytes from a file: the same pixel limit, the same subsampling of large
     * images, the same errors.
     *
     * @param encoded the encoded image
     * @param source what the image is called in error messages (its path or URI)
     * @param width the model input's width (>= 1)
     * @param height the model input's height (>= 1)
     * @param maxPixels the largest width x height accepted, counted at full resolution (>= 1)
     * @return the image, possibly smaller than encoded
     * @throws ImageDecodeException if the bytes are not a readable image, the image is larger than
     *     {@code maxPixels}, or there is not enough memory to decode it
     */
    public static BufferedImage readForInput(byte[] encoded, String source, int width, int height, long maxPixels)
            throws ImageDecodeException {
        java.util.Objects.requireNonNull(encoded, "encoded");
        java.util.Objects.requireNonNull(source, "source");
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("input size must be positive, got " + width + "x" + height);
        }
        if (maxPixels < 1) {
            throw new IllegalArgumentException("maxPixels must be >= 1, got " + maxPixels);
        }
        if (encoded.length == 0) {
            throw new ImageDecodeException(source, "is empty (0 bytes), not an image", null);
        }
        try {
            return decode(new java.io.ByteArrayInputStream(encoded), source, width, height, maxPixels);
        } catch (ImageDecodeException e) {
            throw e;
        } catch (IOException e) {
            // Reading from memory fails only as a decoder failure.
            throw new ImageDecodeException(source, "cannot decode the image: " + e.getMessage(), e);
        }
    }

    private static BufferedImage decode(InputStream in, String source, int targetWidth, int targetHeight,
            long maxPixels) throws IOException {
        BufferedImage image;
        // The same steps as ImageIO.read(InputStream), with a look at the header in between, so
        // images decoded in full are exactly what ImageIO.read returns.
        try (ImageInputStream stream = ImageIO.createImageInputStream(in)) {
            Iterator<ImageReader> readers = stream == null ? null : ImageIO.getImageReaders(stream);
            if (readers == null || !readers.hasNext()) {
                throw new ImageDecodeException(source, "not a PNG, JPEG or BMP image", null);
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(stream, true, true);
                image = decode(source, reader, targetWidth, targetHeight, maxPixels);
            } finally {
                reader.dispose();
            }
        } catch (ImageDecodeException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // ImageIO reports corrupt data as IIOException, and some decoders as runtime exceptions.
            throw new ImageDecodeException(source, "cannot decode the image (corrupt or truncated): "
                    + e.getMessage(), e);
        }
        if (image == null) {
            throw new ImageDecodeException(source, "not a PNG, JPEG or BMP image", null);
        }
        if (image.getWidth() < 1 || image.getHeight() < 1) {
            throw new ImageDecodeException(source, "image has no pixels", null);
        }
        return image;
    }

    private static BufferedImage decode(String file, ImageReader reader, int targetWidth, int targetHeight,
            long maxPixels) throws IOException {
        // Only the header is read here: nothing is allocated for the pixels yet.
        int w = reader.getWidth(0);
        int h = reader.getHeight(0);
        if (w < 1 || h < 1) {
            throw new ImageDecodeException(file, "image has no pixels (" + w + "x" + h + ")", null);
        }
        long pixels = (long) w * h;
        if (pixels > maxPixels) {
            throw new ImageDecodeException(file, String.format(Locale.ROOT,
                    "the image is %dx%d pixels (%.1f megapixels), more than the limit of %d pixels (%.1f megapixels); "
                            + "asnet refuses it rather than spend the memory and time to decode it (raise the limit "
                            + "with -D%s=N if the image is genuine)",
                    w, h, pixels / 1e6, maxPixels, maxPixels / 1e6, MAX_PIXELS_PROPERTY), null);
        }
        ImageReadParam param = reader.getDefaultReadParam();
        int step = subsampling(w, h, targetWidth, targetHeight);
        if (step > 1) {
            param.setSourceSubsampling(step, step, 0, 0);
        }
        try {
            return reader.read(0, param);
        } catch (OutOfMemoryError e) {
            throw outOfMemory(file, w, h, step, e);
        } catch (IOException | RuntimeException e) {
            // The PNG reader wraps everything it catches, an OutOfMemoryError included, in an IIOException.
            for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
                if (c instanceof OutOfMemoryError) {
                    throw outOfMemory(file, w, h, step, e);
                }
            }
            throw e;
        }
    }

    private static ImageDecodeException outOfMemory(String file, int w, int h, int step, Throwable cause) {
        // The image's pixels did not fit in the heap; the (large) partial image is garbage now.
        long bytes = ((long) ((w + step - 1) / step)) * ((h + step - 1) / step) * 4;
        return new ImageDecodeException(file, String.format(Locale.ROOT,
                "not enough memory to decode the %dx%d image (about %d MB of pixels; the JVM's heap limit "
                        + "is %d MB): raise it with -Xmx, or lower -D%s",
                w, h, Math.max(1, bytes >> 20), Runtime.getRuntime().maxMemory() >> 20, MAX_PIXELS_PROPERTY), cause);
    }
}
