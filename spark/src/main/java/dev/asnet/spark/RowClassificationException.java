package dev.asnet.spark;

/**
 * A row could not be classified (an undecodable image, an array of the wrong size) and the
 * transformer was told to fail rather than leave the row's prediction null.
 */
public class RowClassificationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what is wrong with the row, naming it
     */
    public RowClassificationException(String message) {
        super(message);
    }
}
