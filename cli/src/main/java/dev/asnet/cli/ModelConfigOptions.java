package dev.asnet.cli;

import dev.asnet.models.Architecture;
import dev.asnet.models.ModelConfig;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * The options that choose what a zoo network is built for: input size, classes, dataset preset
 * (class labels and normalization), seed.
 */
public final class ModelConfigOptions {
    /** Dataset presets: input size, classes, labels and normalization. */
    public enum Dataset {
        /** The preset whose input size and class count match, otherwise the network's default. */
        AUTO,
        /** 1x28x28, the 10 Fashion-MNIST classes. */
        FASHION_MNIST,
        /** 3x32x32, the 10 CIFAR-10 classes. */
        CIFAR10,
        /** 3x224x224, 1000 classes (labels not bundled). */
        IMAGENET;

        /**
         * The preset's configuration.
         *
         * @return the configuration, or null for AUTO
         */
        ModelConfig config() {
            return switch (this) {
                case AUTO -> null;
                case FASHION_MNIST -> ModelConfig.fashionMnist();
                case CIFAR10 -> ModelConfig.cifar10();
                case IMAGENET -> ModelConfig.imagenet();
            };
        }

        /**
         * The command-line name.
         *
         * @return such as {@code fashion-mnist}
         */
        String id() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        static Dataset parse(String s) {
            for (Dataset d : values()) {
                if (d.id().equalsIgnoreCase(s.trim())) {
                    return d;
                }
            }
            throw new IllegalArgumentException("unknown dataset '" + s + "' (use auto, fashion-mnist, cifar10 or imagenet)");
        }
    }

    @Option(names = "--input", paramLabel = "CxHxW", converter = InputSize.Converter.class,
            description = "Input size, such as 1x28x28 (default: the dataset's, else the network's).")
    InputSize input;

    @Option(names = "--classes", paramLabel = "N", description = "Number of classes (default: the dataset's, else "
            + "the network's).")
    Integer classes;

    @Option(names = "--dataset", paramLabel = "NAME", defaultValue = "auto", converter = DatasetConverter.class,
            description = "Class labels and input normalization: auto, fashion-mnist, cifar10 or imagenet "
                    + "(default: ${DEFAULT-VALUE}: the preset matching --input and --classes, e.g. 1x28x28 with 10 "
                    + "classes is fashion-mnist).")
    Dataset dataset;

    @Option(names = "--seed", paramLabel = "SEED", description = "Seed of the random weight initialization "
            + "(default: " + ModelConfig.DEFAULT_SEED + ").")
    Long seed;

    /** Creates the options. */
    public ModelConfigOptions() {}

    /**
     * Resolves the configuration for an architecture.
     *
     * @param arch the network
     * @return the configuration
     * @throws CliException with {@link ExitCodes#USAGE} for invalid values
     */
    public ModelConfig resolve(Architecture arch) {
        try {
            ModelConfig base = dataset == Dataset.AUTO ? arch.defaultConfig() : dataset.config();
            ModelConfig.Builder b = base.toBuilder();
            if (input != null) {
                b.optInput(input.channels(), input.height(), input.width());
            }
            if (classes != null) {
                b.optNumClasses(classes);
            }
            if (seed != null) {
                b.optSeed(seed);
            }
            ModelConfig c = b.build();
            if (dataset == Dataset.AUTO) {
                for (Dataset d : Dataset.values()) {
                    ModelConfig preset = d.config();
                    if (preset != null && preset.channels() == c.channels() && preset.height() == c.height()
                            && preset.width() == c.width() && preset.numClasses() == c.numClasses()) {
                        ModelConfig.Builder pb = preset.toBuilder().optSeed(c.seed());
                        return pb.build();
                    }
                }
            }
            return c;
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, e.getMessage(), e);
        }
    }

    /** Parses dataset names. */
    static final class DatasetConverter implements ITypeConverter<Dataset> {
        @Override
        public Dataset convert(String value) {
            try {
                return Dataset.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
