package dev.asnet.runtime.vision;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** Decodes image files with {@code javax.imageio}, which reads PNG, JPEG, BMP, GIF and WBMP. */
public final class ImageFiles {
    static {
        // No disk cache: images are small and a cache directory may not be writable.
        ImageIO.setUseCache(false);
    }

    private ImageFiles() {}

    /**
     * Decodes an image file.
     *
     * @param file the file
     * @return the image
     * @throws NoSuchFileException if the file does not exist
     * @throws ImageDecodeException if it is not a readable image
     * @throws IOException if reading fails
     */
    public static BufferedImage read(Path file) throws IOException {
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString(), null, "image file not found");
        }
        if (Files.isDirectory(file)) {
            throw new ImageDecodeException(file, "is a directory, not an image", null);
        }
        BufferedImage image;
        try (InputStream in = Files.newInputStream(file)) {
            image = ImageIO.read(in);
        } catch (IOException | RuntimeException e) {
            // ImageIO reports corrupt data as IIOException, and some decoders as runtime exceptions.
            throw new ImageDecodeException(file, "cannot decode the image (corrupt or truncated): "
                    + e.getMessage(), e);
        }
        if (image == null) {
            throw new ImageDecodeException(file, "not a PNG, JPEG or BMP image", null);
        }
        if (image.getWidth() < 1 || image.getHeight() < 1) {
            throw new ImageDecodeException(file, "image has no pixels", null);
        }
        return image;
    }
}
