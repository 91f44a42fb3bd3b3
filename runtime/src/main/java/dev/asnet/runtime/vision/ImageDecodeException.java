package dev.asnet.runtime.vision;

import java.io.IOException;
import java.nio.file.Path;

/** An image (a file, or encoded bytes) that cannot be decoded: not PNG, JPEG or BMP, or corrupt. */
public class ImageDecodeException extends IOException {
    /** Serialization version. */
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param file the file
     * @param problem what is wrong with it
     * @param cause the underlying error, or null
     */
    public ImageDecodeException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
    }

    /**
     * Creates the exception for an image that is not a file, such as encoded bytes read from a
     * table.
     *
     * @param source what the image is called in the message (a URI, a row's path)
     * @param problem what is wrong with it
     * @param cause the underlying error, or null
     */
    public ImageDecodeException(String source, String problem, Throwable cause) {
        super(source + ": " + problem, cause);
    }
}
