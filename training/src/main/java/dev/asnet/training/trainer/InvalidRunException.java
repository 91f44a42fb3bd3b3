package dev.asnet.training.trainer;

/**
 * The run's settings do not fit its data, for example a batch larger than the training set or a
 * crop padding larger than the images: a mistake in the command line, found once the data is read.
 */
public final class InvalidRunException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message which setting does not fit and why
     */
    public InvalidRunException(String message) {
        super(message);
    }
}
