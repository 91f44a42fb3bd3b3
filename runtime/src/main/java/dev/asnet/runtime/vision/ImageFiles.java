package dev.asnet.runtime.vision;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.Objects;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
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

    /**
     * Decodes an image held in memory (a PNG, JPEG or BMP file's bytes, received over the network,
     * say) for a model input of the given size, exactly as {@link #readForInput(Path, int, int, long)}
     * decodes a file with those bytes.
     *
     * @param image the encoded image
     * @param source what the image is, for messages (such as {@code "image 0 of the request"})
     * @param width the model input's width (>= 1)
     * @param height the model input's height (>= 1)
     * @param maxPixels the largest width x height accepted, counted at full resolution (>= 1)
     * @return the image, possibly smaller than encoded
     * @throws ImageDecodeException if the bytes are not a readable image, it is larger than
     *     {@code maxPixels}, or there is not enough memory to decode it
     */
    public static BufferedImage readForInput(byte[] image, String source, int width, int height, long maxPixels)
            throws ImageDecodeException {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(source, "source");
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("input size must be positive, got " + width + "x" + height);
        }
        if (image.length == 0) {
            throw new ImageDecodeException(source, "is empty (0 bytes), not an image", null);
        }
        try {
            return decoded(source, withReader(new ByteArrayInputStream(image), source, maxPixels,
                    reader -> decode(source, reader, width, height)));
        } catch (ImageDecodeException e) {
            throw e;
        } catch (IOException e) {
            // A byte array stream does not fail to read; withReader reports every decoding failure typed.
            throw new ImageDecodeException(source, "cannot decode the image: " + e.getMessage(), e);
        }
    }

    /**
     * What an image file's header says, read without decoding any pixel.
     *
     * @param width the width in pixels
     * @param height the height in pixels
     * @param gray whether the image is stored as grayscale (with or without alpha); false for
     *     color, palette and unknown types
     */
    public record Header(int width, int height, boolean gray) {}

    /**
     * Reads an image file's header only: its size and whether it is grayscale. A dataset reader
     * checks a whole folder this way before decoding anything (the size of every image, files
     * that are no images).
     *
     * @param file the file
     * @param maxPixels the largest width x height accepted (>= 1)
     * @return the header
     * @throws NoSuchFileException if the file does not exist
     * @throws ImageDecodeException if it is not a PNG, JPEG or BMP image, its header is corrupt, or
     *     it is larger than {@code maxPixels}
     * @throws IOException if reading fails
     */
    public static Header probe(Path file, long maxPixels) throws IOException {
        return withReader(file, maxPixels, reader -> {
            boolean gray = false;
            try {
                ImageTypeSpecifier type = reader.getRawImageType(0);
                if (type != null) {
                    ColorModel cm = type.getColorModel();
                    gray = cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY
                            && !(cm instanceof IndexColorModel);
                }
            } catch (IOException | RuntimeException unknown) {
                gray = false; // a type the reader cannot name up front: treated as color
            }
            return new Header(reader.getWidth(0), reader.getHeight(0), gray);
        });
    }

    /** One step with an image reader positioned on a file whose size was checked. */
    private interface ReaderStep<T> {
        T apply(ImageReader reader) throws IOException;
    }

    private static BufferedImage decode(Path file, int targetWidth, int targetHeight, long maxPixels)
            throws IOException {
        String source = file.toString();
        return decoded(source, withReader(file, maxPixels, reader -> decode(source, reader, targetWidth, targetHeight)));
    }

    /** The decoded image, checked: a reader may return null or an empty image for odd files. */
    private static BufferedImage decoded(String source, BufferedImage image) throws ImageDecodeException {
        if (image == null) {
            throw new ImageDecodeException(source, "not a PNG, JPEG or BMP image", null);
        }
        if (image.getWidth() < 1 || image.getHeight() < 1) {
            throw new ImageDecodeException(source, "image has no pixels", null);
        }
        return image;
    }

    /**
     * Opens a reader on a file, checks the size its header announces against the pixel limit and
     * runs one step with it: the same steps as ImageIO.read(InputStream), with a look at the header
     * in between, so images decoded in full are exactly what ImageIO.read returns.
     */
    private static <T> T withReader(Path file, long maxPixels, ReaderStep<T> step) throws IOException {
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString(), null, "image file not found");
        }
        if (Files.isDirectory(file)) {
            throw new ImageDecodeException(file, "is a directory, not an image", null);
        }
        try (InputStream in = Files.newInputStream(file)) {
            return withReader(in, file.toString(), maxPixels, step);
        }
    }

    /** The same for an open stream (a file's, or bytes in memory); {@code source} names it in messages. */
    private static <T> T withReader(InputStream in, String source, long maxPixels, ReaderStep<T> step)
            throws IOException {
        if (maxPixels < 1) {
            throw new IllegalArgumentException("maxPixels must be >= 1, got " + maxPixels);
        }
        try (ImageInputStream stream = ImageIO.createImageInputStream(in)) {
            Iterator<ImageReader> readers = stream == null ? null : ImageIO.getImageReaders(stream);
            if (readers == null || !readers.hasNext()) {
                throw new ImageDecodeException(source, "not a PNG, JPEG or BMP image", null);
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(stream, true, true);
                checkSize(source, reader, maxPixels);
                return step.apply(reader);
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
    }

    /** Reads only the header: nothing is allocated for the pixels yet. */
    private static void checkSize(String file, ImageReader reader, long maxPixels) throws IOException {
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
    }

    private static BufferedImage decode(String file, ImageReader reader, int targetWidth, int targetHeight)
            throws IOException {
        int w = reader.getWidth(0);
        int h = reader.getHeight(0);
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
