package dev.asnet.runtime.vision;

import java.io.IOException;
import java.nio.file.Path;

/** An image (a file, or bytes received) that cannot be decoded: not PNG, JPEG or BMP, or corrupt. */
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
     * Creates the exception for an image that is not a file (bytes received over the network, say).
     *
     * @param source what the image is, for the message (such as {@code "image 0 of the request"})
     * @param problem what is wrong with it
     * @param cause the underlying error, or null
     */
    public ImageDecodeException(String source, String problem, Throwable cause) {
        super(source + ": " + problem, cause);
    }
}
