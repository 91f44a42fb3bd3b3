package dev.asnet.cli;

/** A failure a command reports with a specific exit code and a message for the user. */
public class CliException extends RuntimeException {
    /** Serialization version. */
    private static final long serialVersionUID = 1L;

    private final int exitCode;

    /**
     * Creates the exception.
     *
     * @param exitCode one of {@link ExitCodes}
     * @param message one line for the user
     * @param cause the underlying error, or null
     */
    public CliException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    /**
     * Creates the exception.
     *
     * @param exitCode one of {@link ExitCodes}
     * @param message one line for the user
     */
    public CliException(int exitCode, String message) {
        this(exitCode, message, null);
    }

    /**
     * The exit code.
     *
     * @return one of {@link ExitCodes}
     */
    public int exitCode() {
        return exitCode;
    }
}
