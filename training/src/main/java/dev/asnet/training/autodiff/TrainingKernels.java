package dev.asnet.training.autodiff;

/**
 * Which ops a training graph computes batch normalization, the ReLU backward and the depthwise
 * convolution gradients with.
 *
 * <p>{@link #FUSED} is the default: asnet's fused CPU ops do in one or two passes over an
 * activation what the standard-op chains do in three to eight, which is most of a small network's
 * step time. {@link #STANDARD} keeps the graph to standard ONNX ops (besides ActiveShift and its
 * gradient), for execution providers that have kernels for those but not for asnet's training
 * ops; the tests also use it as the independent reference for the fused form.
 */
public enum TrainingKernels {
    /**
     * {@code dev.asnet::BatchNormTraining}, {@code BatchNormTrainingGrad}, {@code ReluGrad} and
     * {@code DepthwiseConvGrad} (CPU kernels of the asnet op library).
     */
    FUSED,
    /** Reductions, element-wise ops and an inference-form BatchNormalization, all standard ONNX. */
    STANDARD;

    /**
     * The ops a training graph for a device is built with: asnet's fused training ops have CPU
     * kernels only, so on CUDA the graph is built from standard ops, which have CUDA kernels in
     * ONNX Runtime (ActiveShift and its gradient have asnet CUDA kernels). Parameters stay in host
     * buffers between steps: ONNX Runtime copies the inputs to the GPU and the outputs back each
     * step, which is small next to a step (the models are small).
     *
     * @param device where the training session runs
     * @return {@link #FUSED} on the CPU, {@link #STANDARD} on CUDA
     */
    public static TrainingKernels forDevice(dev.asnet.runtime.Device device) {
        return device.provider() == dev.asnet.runtime.ExecutionProvider.CPU ? FUSED : STANDARD;
    }
}
