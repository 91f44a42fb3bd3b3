package dev.asnet.bench.latency;

import dev.asnet.runtime.Device;
import dev.asnet.runtime.ExecutionProvider;
import dev.asnet.runtime.OptimizationLevel;
import dev.asnet.runtime.RuntimeOptions;

/**
 * One way of running every model: intra-op threads, graph optimization level and device.
 *
 * @param threads intra-op threads (1 = the paper's protocol)
 * @param level ONNX Runtime graph optimization level
 * @param device where the models run
 */
public record BenchConfig(int threads, OptimizationLevel level, Device device) {
    /**
     * Validates the fields.
     *
     * @param threads intra-op threads, within {@link RuntimeOptions#maxThreads()}
     * @param level the optimization level
     * @param device the device
     */
    public BenchConfig {
        RuntimeOptions.checkThreads("threads", threads, false);
        if (level == null || device == null) {
            throw new IllegalArgumentException("level and device must not be null");
        }
    }

    /**
     * A configuration on the CPU.
     *
     * @param threads intra-op threads
     * @param level the optimization level
     */
    public BenchConfig(int threads, OptimizationLevel level) {
        this(threads, level, Device.CPU);
    }

    /**
     * Whether the models run on CUDA.
     *
     * @return true for a CUDA device
     */
    public boolean gpu() {
        return device.provider() == ExecutionProvider.CUDA;
    }

    /**
     * The session settings of this configuration. Several sessions are timed in turn, so idle
     * workers sleep instead of spinning (a spinning pool would steal a core from the next one).
     *
     * @return the runtime options
     */
    public RuntimeOptions runtimeOptions() {
        return RuntimeOptions.builder().optIntraOpThreads(threads).optOptimizationLevel(level).optDevice(device)
                .optSpinning(false).build();
    }

    /**
     * A short label such as {@code 1T all cpu}.
     *
     * @return the label
     */
    public String label() {
        return threads + "T " + level.id() + " " + device;
    }
}
