package dev.asnet.training.trainer;

import java.io.IOException;
import java.nio.file.Path;

/** A checkpoint that cannot be used: missing, truncated, corrupted or from another run. */
public final class CheckpointException extends IOException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param file the checkpoint file
     * @param problem what is wrong
     */
    public CheckpointException(Path file, String problem) {
        super("checkpoint " + file + ": " + problem);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param file the checkpoint file
     * @param problem what is wrong
     * @param cause the underlying error
     */
    public CheckpointException(Path file, String problem, Throwable cause) {
        super("checkpoint " + file + ": " + problem, cause);
    }
}
