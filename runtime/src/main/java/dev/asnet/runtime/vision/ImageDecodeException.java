package dev.asnet.runtime.vision;

import java.io.IOException;
import java.nio.file.Path;

/** An image file that cannot be decoded: not PNG, JPEG or BMP, or corrupt. */
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
}
