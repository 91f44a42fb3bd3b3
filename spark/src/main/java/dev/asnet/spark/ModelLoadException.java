package dev.asnet.spark;

/**
 * An executor could not open the model: it is not an ONNX model ONNX Runtime accepts, not an image
 * classifier, or the asnet op library or the device it needs is missing there. Fails the task
 * (every row of it would fail the same way), and Spark reports it with the job's failure.
 */
public class ModelLoadException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what failed, naming the model
     * @param cause the underlying error
     */
    public ModelLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
