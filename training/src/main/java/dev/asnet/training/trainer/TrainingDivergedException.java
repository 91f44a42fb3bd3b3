package dev.asnet.training.trainer;

/**
 * The training diverged: the loss or a parameter became NaN or infinite, usually because the
 * learning rate is too high. The message says where (epoch, batch, step) and suggests a lower
 * rate; the checkpoint of the last finished epoch is left as it was.
 */
public final class TrainingDivergedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message where the run diverged and what to try
     * @param cause the failure that revealed it (ONNX Runtime's refusal of a non-finite value), or null
     */
    public TrainingDivergedException(String message, Throwable cause) {
        super(message, cause);
    }
}
