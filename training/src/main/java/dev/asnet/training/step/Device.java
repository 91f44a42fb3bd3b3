package dev.asnet.training.step;

import ai.onnxruntime.OrtSession;
import dev.asnet.runtime.ExecutionProvider;
import dev.asnet.runtime.ExecutionProviders;
import dev.asnet.runtime.ProviderUnavailableException;
import dev.asnet.training.autodiff.TrainingKernels;
import java.util.Locale;

/**
 * Where training and evaluation sessions run: ONNX Runtime's CPU provider, or its CUDA provider on
 * one device (which needs the GPU build of ONNX Runtime, {@code mvn -Pgpu}).
 *
 * <p>On the CPU a training graph uses asnet's fused training ops ({@link TrainingKernels#FUSED});
 * those have CPU kernels only, so on CUDA it is built from standard ops, which have CUDA kernels in
 * ONNX Runtime ({@link TrainingKernels#STANDARD}; ActiveShift and its gradient have asnet CUDA
 * kernels). Parameters stay in host buffers between steps: ONNX Runtime copies the inputs to the
 * GPU and the outputs back each step, which is small next to a step (the models are small).
 *
 * @param provider the execution provider
 * @param cudaDevice the CUDA device ordinal (0 for the CPU)
 */
public record Device(ExecutionProvider provider, int cudaDevice) {
    /** The CPU. */
    public static final Device CPU = new Device(ExecutionProvider.CPU, 0);

    /**
     * Validates the values.
     *
     * @param provider the execution provider
     * @param cudaDevice the CUDA device ordinal
     */
    public Device {
        if (provider == null) {
            throw new IllegalArgumentException("provider must not be null");
        }
        if (cudaDevice < 0 || (provider == ExecutionProvider.CPU && cudaDevice != 0)) {
            throw new IllegalArgumentException("bad device ordinal " + cudaDevice + " for " + provider);
        }
    }

    /**
     * A CUDA device.
     *
     * @param ordinal the device ordinal (>= 0)
     * @return the device
     */
    public static Device cuda(int ordinal) {
        return new Device(ExecutionProvider.CUDA, ordinal);
    }

    /**
     * Parses {@code cpu}, {@code cuda} (device 0) or {@code cuda:N}.
     *
     * @param text the text
     * @return the device
     * @throws IllegalArgumentException naming the accepted forms
     */
    public static Device parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("cpu")) {
            return CPU;
        }
        if (t.equals("cuda")) {
            return cuda(0);
        }
        if (t.startsWith("cuda:")) {
            try {
                return cuda(Integer.parseInt(t.substring(5)));
            } catch (IllegalArgumentException e) {
                // falls through to the message below
            }
        }
        throw new IllegalArgumentException("unknown device '" + text + "': use cpu, cuda or cuda:N (N >= 0)");
    }

    /**
     * The ops a training graph for this device is built with.
     *
     * @return fused asnet ops on the CPU, standard ops on CUDA
     */
    public TrainingKernels kernels() {
        return provider == ExecutionProvider.CPU ? TrainingKernels.FUSED : TrainingKernels.STANDARD;
    }

    /**
     * Adds this device's provider to session options.
     *
     * @param options the options
     * @throws ProviderUnavailableException if the provider cannot be used, saying why
     */
    void configure(OrtSession.SessionOptions options) throws ProviderUnavailableException {
        ExecutionProviders.add(options, provider, cudaDevice);
    }

    @Override
    public String toString() {
        return provider == ExecutionProvider.CPU ? "cpu" : "cuda:" + cudaDevice;
    }
}
