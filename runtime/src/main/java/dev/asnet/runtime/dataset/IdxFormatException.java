package dev.asnet.runtime.dataset;

import java.io.IOException;
import java.nio.file.Path;

/** A file that is not a valid IDX file of the expected kind: wrong magic number, bad header, truncated or corrupt. */
public class IdxFormatException extends IOException {
    /** Serialization version. */
    private static final long serialVersionUID = 1L;

    private final transient Path file;

    /**
     * Creates the exception.
     *
     * @param file the offending file
     * @param problem what is wrong with it
     */
    public IdxFormatException(Path file, String problem) {
        super(file + ": " + problem);
        this.file = file;
    }

    /**
     * Creates the exception with a cause.
     *
     * @param file the offending file
     * @param problem what is wrong with it
     * @param cause the underlying error
     */
    public IdxFormatException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
    }

    /**
     * The offending file.
     *
     * @return its path
     */
    public Path file() {
        return file;
    }
}
