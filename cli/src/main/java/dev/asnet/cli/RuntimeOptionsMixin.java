package dev.asnet.cli;

import dev.asnet.runtime.Device;
import dev.asnet.runtime.OptimizationLevel;
import dev.asnet.runtime.RuntimeOptions;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/** The options of commands that run a model: threads, graph optimization, execution provider. */
public final class RuntimeOptionsMixin {
    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "0",
            description = "Intra-op threads; 0 lets ONNX Runtime choose, one per core (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--optimization", paramLabel = "LEVEL", defaultValue = "all",
            converter = LevelConverter.class,
            description = "Graph optimization: disabled, basic, extended, layout or all (default: ${DEFAULT-VALUE}).")
    OptimizationLevel optimization;

    @Option(names = "--device", paramLabel = "DEVICE", defaultValue = "cpu", converter = DeviceConverter.class,
            description = "cpu, cuda or cuda:N (default: ${DEFAULT-VALUE}). CUDA needs the GPU build "
                    + "(mvn -B install -DskipTests -Pgpu) and a GPU.")
    Device device;

    @Option(names = "--fallback-to-cpu",
            description = "With --device cuda: run on the CPU with a warning when CUDA is unavailable, instead of "
                    + "failing (exit code 5).")
    boolean fallbackToCpu;

    /** Creates the mixin. */
    public RuntimeOptionsMixin() {}

    /**
     * The options as given.
     *
     * @return the runtime options
     * @throws CliException with {@link ExitCodes#USAGE} if a value is out of range
     */
    public RuntimeOptions toRuntimeOptions() {
        OrtLogging.configure(command);
        try {
            RuntimeOptions.checkThreads("--threads", threads, true);
            return RuntimeOptions.builder().optIntraOpThreads(threads).optOptimizationLevel(optimization)
                    .optDevice(device).optFallbackToCpu(fallbackToCpu).build();
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, e.getMessage(), e);
        }
    }

    /** Parses optimization levels case-insensitively. */
    static final class LevelConverter implements ITypeConverter<OptimizationLevel> {
        @Override
        public OptimizationLevel convert(String value) {
            try {
                return OptimizationLevel.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** Parses devices ({@code cpu}, {@code cuda}, {@code cuda:N}) case-insensitively. */
    static final class DeviceConverter implements ITypeConverter<Device> {
        @Override
        public Device convert(String value) {
            try {
                return Device.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
