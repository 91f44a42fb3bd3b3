package dev.asnet.runtime;

/**
 * The data does not fit the model: images of another size or channel count than the model's
 * input, or labels outside the model's classes. The message names both sides.
 */
public class InputMismatchException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what does not fit, naming the data's and the model's values
     */
    public InputMismatchException(String message) {
        super(message);
    }
}
