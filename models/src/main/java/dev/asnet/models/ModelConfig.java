package dev.asnet.models;

import dev.asnet.exporter.InputSpec;
import java.util.Arrays;
import java.util.List;

/**
 * What a zoo network is built for: the input (channels, size and the normalization recorded in the
 * model's metadata, as an {@link InputSpec}), class count and labels, and the seed of the weight
 * initialization.
 *
 * <pre>{@code
 * ModelConfig c = ModelConfig.cifar10().toBuilder().optSeed(7).build();
 * ModelConfig f = ModelConfig.fashionMnist();   // 1x28x28, 10 labelled classes
 * }</pre>
 */
public final class ModelConfig {
    /**
     * The largest class count a network is built for. ImageNet-21k has 21,841 classes; a count
     * far beyond that is a typo, and its classifier alone would exhaust the heap.
     */
    public static final int MAX_CLASSES = 1_000_000;

    /** CIFAR-10 class names in label order. */
    public static final List<String> CIFAR10_LABELS = List.of("airplane", "automobile", "bird", "cat", "deer", "dog",
            "frog", "horse", "ship", "truck");
    /** Fashion-MNIST class names in label order. */
    public static final List<String> FASHION_MNIST_LABELS = List.of("T-shirt/top", "Trouser", "Pullover", "Dress",
            "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");
    /** The default initialization seed. */
    public static final long DEFAULT_SEED = 20180607L;

    private final InputSpec input;
    private final int numClasses;
    private final List<String> classLabels;
    private final long seed;
    private final String batchSymbol;

    private ModelConfig(Builder b, InputSpec input) {
        this.input = input;
        this.numClasses = b.numClasses;
        this.classLabels = b.classLabels;
        this.seed = b.seed;
        this.batchSymbol = b.batchSymbol;
    }

    /**
     * A builder with nothing set.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * ImageNet: 3x224x224, 1000 classes (labels not bundled), the usual ImageNet mean and std.
     *
     * @return the configuration
     */
    public static ModelConfig imagenet() {
        return builder().optInput(3, 224, 224).optNumClasses(1000)
                .optChannelStats(new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f}).build();
    }

    /**
     * CIFAR-10: 3x32x32, 10 labelled classes, CIFAR-10 mean and std.
     *
     * @return the configuration
     */
    public static ModelConfig cifar10() {
        return builder().optInput(3, 32, 32).optNumClasses(10).optClassLabels(CIFAR10_LABELS)
                .optChannelStats(new float[] {0.4914f, 0.4822f, 0.4465f}, new float[] {0.2470f, 0.2435f, 0.2616f}).build();
    }

    /**
     * Fashion-MNIST: 1x28x28, 10 labelled classes, its mean and std.
     *
     * @return the configuration
     */
    public static ModelConfig fashionMnist() {
        return builder().optInput(1, 28, 28).optNumClasses(10).optClassLabels(FASHION_MNIST_LABELS)
                .optChannelStats(new float[] {0.2860f}, new float[] {0.3530f}).build();
    }

    /**
     * A builder holding this configuration, to change parts of it.
     *
     * @return the builder
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.channels = input.channels();
        b.height = input.height();
        b.width = input.width();
        b.numClasses = numClasses;
        b.classLabels = classLabels;
        b.mean = input.mean();
        b.std = input.std();
        b.seed = seed;
        b.batchSymbol = batchSymbol;
        return b;
    }

    /**
     * The input: size and normalization, as recorded in the model's metadata ({@link
     * dev.asnet.exporter.ModelInfo#input()}) and applied by the runtime.
     *
     * @return the input specification
     */
    public InputSpec input() {
        return input;
    }

    /**
     * Input channels.
     *
     * @return C
     */
    public int channels() {
        return input.channels();
    }

    /**
     * Input height.
     *
     * @return H
     */
    public int height() {
        return input.height();
    }

    /**
     * Input width.
     *
     * @return W
     */
    public int width() {
        return input.width();
    }

    /**
     * Number of classes.
     *
     * @return the output width
     */
    public int numClasses() {
        return numClasses;
    }

    /**
     * Class names, or null when not known.
     *
     * @return the labels or null
     */
    public List<String> classLabels() {
        return classLabels;
    }

    /**
     * Per-channel mean of inputs scaled to [0, 1].
     *
     * @return a copy
     */
    public float[] mean() {
        return input.mean();
    }

    /**
     * Per-channel standard deviation.
     *
     * @return a copy
     */
    public float[] std() {
        return input.std();
    }

    /**
     * The initialization seed.
     *
     * @return the seed
     */
    public long seed() {
        return seed;
    }

    /**
     * The symbol of the free batch dimension.
     *
     * @return the symbol, {@code "N"} by default
     */
    public String batchSymbol() {
        return batchSymbol;
    }

    @Override
    public String toString() {
        return input.channels() + "x" + input.height() + "x" + input.width() + ", " + numClasses + " classes, seed " + seed;
    }

    /** Builds a {@link ModelConfig}. */
    public static final class Builder {
        private int channels;
        private int height;
        private int width;
        private int numClasses;
        private List<String> classLabels;
        private float[] mean;
        private float[] std;
        private long seed = DEFAULT_SEED;
        private String batchSymbol = "N";

        private Builder() {}

        /**
         * Sets the input size. When the channel count changes and the normalization was set for
         * another count, the normalization resets to mean 0, std 1 (set it again with {@link
         * #optChannelStats}).
         *
         * @param c channels
         * @param h height
         * @param w width
         * @return this builder
         */
        public Builder optInput(int c, int h, int w) {
            if (mean != null && mean.length != c) {
                mean = null;
                std = null;
            }
            channels = c;
            height = h;
            width = w;
            return this;
        }

        /**
         * Sets the class count; labels of another count are dropped.
         *
         * @param n classes
         * @return this builder
         */
        public Builder optNumClasses(int n) {
            if (classLabels != null && classLabels.size() != n) {
                classLabels = null;
            }
            numClasses = n;
            return this;
        }

        /**
         * Sets class names and the class count to their number.
         *
         * @param labels the names in output order
         * @return this builder
         */
        public Builder optClassLabels(List<String> labels) {
            classLabels = List.copyOf(labels);
            numClasses = labels.size();
            return this;
        }

        /**
         * Sets the input normalization {@code (x - mean) / std} per channel.
         *
         * @param channelMean one mean per channel
         * @param channelStd one std per channel
         * @return this builder
         */
        public Builder optChannelStats(float[] channelMean, float[] channelStd) {
            mean = channelMean.clone();
            std = channelStd.clone();
            return this;
        }

        /**
         * Sets the initialization seed.
         *
         * @param s the seed
         * @return this builder
         */
        public Builder optSeed(long s) {
            seed = s;
            return this;
        }

        /**
         * Sets the symbol of the batch dimension.
         *
         * @param symbol the symbol
         * @return this builder
         */
        public Builder optBatchSymbol(String symbol) {
            batchSymbol = symbol;
            return this;
        }

        /**
         * Validates and builds.
         *
         * @return the configuration
         * @throws IllegalArgumentException naming the bad field
         */
        public ModelConfig build() {
            if (channels < 1 || height < 1 || width < 1) {
                throw new IllegalArgumentException("input must be at least 1x1x1, got " + channels + "x" + height + "x" + width);
            }
            if (numClasses < 1 || numClasses > MAX_CLASSES) {
                throw new IllegalArgumentException("the class count must be in [1, " + MAX_CLASSES + "], got "
                        + numClasses);
            }
            if (mean == null) {
                mean = new float[channels];
                std = new float[channels];
                Arrays.fill(std, 1f);
            }
            if (mean.length != channels || std.length != channels) {
                throw new IllegalArgumentException("channel mean/std have " + mean.length + "/" + std.length
                        + " values but the input has " + channels + " channels");
            }
            for (float s : std) {
                if (!(s > 0)) {
                    throw new IllegalArgumentException("channel std must be > 0, got " + Arrays.toString(std));
                }
            }
            if (batchSymbol == null || batchSymbol.isEmpty()) {
                throw new IllegalArgumentException("batch symbol must be non-empty");
            }
            return new ModelConfig(this, new InputSpec(channels, height, width, mean, std));
        }
    }
}
