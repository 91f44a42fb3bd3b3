package dev.asnet.training.autodiff;

/**
 * Which ops a training graph computes batch normalization and the ReLU backward with.
 *
 * <p>{@link #FUSED} is the default: asnet's fused CPU ops do in one or two passes over an
 * activation what the standard-op chains do in three to eight, which is most of a small network's
 * step time. {@link #STANDARD} keeps the graph to standard ONNX ops (besides ActiveShift and its
 * gradient), for execution providers that have kernels for those but not for asnet's training
 * ops; the tests also use it as the independent reference for the fused form.
 */
public enum TrainingKernels {
    /**
     * {@code dev.asnet::BatchNormTraining}, {@code BatchNormTrainingGrad} and {@code ReluGrad}
     * (CPU kernels of the asnet op library).
     */
    FUSED,
    /** Reductions, element-wise ops and an inference-form BatchNormalization, all standard ONNX. */
    STANDARD
}
