package dev.asnet.runtime.vision;

import dev.asnet.exporter.ModelMetadata;
import dev.asnet.runtime.InvalidModelException;
import dev.asnet.runtime.ModelDescription;
import dev.asnet.runtime.ValueSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * How images become a model's input: {@code channels x height x width}, each pixel scaled to
 * [0, 1] and normalized per channel as {@code (p - mean[c]) / std[c]}; plus the class labels of
 * the output. Read it from a model with {@link #fromModel}, or build one:
 *
 * <pre>{@code
 * Preprocessing p = Preprocessing.builder().setInputSize(1, 28, 28)
 *         .optMean(0.286f).optStd(0.353f).optLabels(FashionMnist.LABELS).build();
 * }</pre>
 */
public final class Preprocessing {
    private final int channels;
    private final int height;
    private final int width;
    private final float[] mean;
    private final float[] std;
    private final List<String> labels;

    private Preprocessing(Builder b, float[] mean, float[] std, List<String> labels) {
        this.channels = b.channels;
        this.height = b.height;
        this.width = b.width;
        this.mean = mean;
        this.std = std;
        this.labels = labels;
    }

    /**
     * A builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Reads the preprocessing from a model: size from {@code asnet.input_shape} (else the input's
     * fixed dimensions), mean/std from {@code asnet.channel_mean} / {@code asnet.channel_std} (else
     * 0 and 1), labels from {@code asnet.class_labels} (else {@code class 0}, {@code class 1}, ...
     * for {@code asnet.num_classes} or the output's width).
     *
     * @param description the model
     * @param input the image input
     * @param output the class-score output
     * @return the preprocessing
     * @throws InvalidModelException if the metadata is malformed or the image size cannot be known
     */
    public static Preprocessing fromModel(ModelDescription description, ValueSpec input, ValueSpec output)
            throws InvalidModelException {
        String src = description.source();
        try {
            Builder b = builder();
            Optional<String> shape = description.metadata(ModelMetadata.INPUT_SHAPE);
            if (shape.isPresent()) {
                long[] chw = ModelMetadata.parseLongs(shape.get());
                if (chw.length != 3) {
                    throw new InvalidModelException(src + ": metadata " + ModelMetadata.INPUT_SHAPE + " '"
                            + shape.get() + "' is not C,H,W");
                }
                b.setInputSize((int) chw[0], (int) chw[1], (int) chw[2]);
            } else {
                long[] d = input.dims();
                if (d.length != 4 || d[1] < 1 || d[2] < 1 || d[3] < 1) {
                    throw new InvalidModelException(src + ": the input " + input.shapeText()
                            + " is not an image batch [N, C, H, W] of fixed size, and the model has no "
                            + ModelMetadata.INPUT_SHAPE + " metadata");
                }
                b.setInputSize((int) d[1], (int) d[2], (int) d[3]);
            }
            description.metadata(ModelMetadata.CHANNEL_MEAN).ifPresent(m -> b.optMean(ModelMetadata.parseFloats(m)));
            description.metadata(ModelMetadata.CHANNEL_STD).ifPresent(s -> b.optStd(ModelMetadata.parseFloats(s)));
            Optional<String> labels = description.metadata(ModelMetadata.CLASS_LABELS);
            if (labels.isPresent()) {
                b.optLabels(ModelMetadata.parseLabels(labels.get()));
            } else {
                long classes = description.metadata(ModelMetadata.NUM_CLASSES).map(Long::parseLong)
                        .orElse(output.rank() == 2 ? output.dims()[1] : -1L);
                if (classes < 1) {
                    throw new InvalidModelException(src + ": cannot tell the number of classes (output "
                            + output.shapeText() + ", no " + ModelMetadata.NUM_CLASSES + " metadata)");
                }
                b.optLabels(numbered((int) classes));
            }
            Preprocessing p = b.build();
            long outWidth = output.rank() == 2 ? output.dims()[1] : -1;
            if (outWidth > 0 && outWidth != p.labels.size()) {
                throw new InvalidModelException(src + ": the metadata names " + p.labels.size()
                        + " classes but the output " + output.shapeText() + " has " + outWidth);
            }
            return p;
        } catch (IllegalArgumentException e) {
            throw new InvalidModelException(src + ": malformed asnet metadata: " + e.getMessage(), e);
        }
    }

    private static List<String> numbered(int n) {
        List<String> l = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            l.add("class " + i);
        }
        return l;
    }

    /**
     * Input channels: 1 (grayscale) or 3 (RGB).
     *
     * @return the channels
     */
    public int channels() {
        return channels;
    }

    /**
     * Input height.
     *
     * @return pixels
     */
    public int height() {
        return height;
    }

    /**
     * Input width.
     *
     * @return pixels
     */
    public int width() {
        return width;
    }

    /**
     * Per-channel mean subtracted from pixels in [0, 1].
     *
     * @return a copy, one value per channel
     */
    public float[] mean() {
        return mean.clone();
    }

    /**
     * Per-channel standard deviation the centered pixels are divided by.
     *
     * @return a copy, one value per channel
     */
    public float[] std() {
        return std.clone();
    }

    /**
     * Class names, index = output position.
     *
     * @return the labels
     */
    public List<String> labels() {
        return labels;
    }

    /**
     * Normalizes a pixel value of one channel.
     *
     * @param channel the channel
     * @param value the pixel, 0..255
     * @return {@code (value / 255 - mean) / std}
     */
    public float normalize(int channel, int value) {
        return (value / 255f - mean[channel]) / std[channel];
    }

    /**
     * Values per image: channels x height x width.
     *
     * @return the count
     */
    public int imageSize() {
        return channels * height * width;
    }

    @Override
    public String toString() {
        return "Preprocessing{" + channels + "x" + height + "x" + width + ", mean=" + Arrays.toString(mean)
                + ", std=" + Arrays.toString(std) + ", " + labels.size() + " classes}";
    }

    /** Builds {@link Preprocessing}: the input size is required, the rest optional. */
    public static final class Builder {
        private int channels;
        private int height;
        private int width;
        private float[] mean;
        private float[] std;
        private List<String> labels;

        private Builder() {}

        /**
         * Sets the input size.
         *
         * @param channels 1 or 3
         * @param height pixels, >= 1
         * @param width pixels, >= 1
         * @return this builder
         */
        public Builder setInputSize(int channels, int height, int width) {
            this.channels = channels;
            this.height = height;
            this.width = width;
            return this;
        }

        /**
         * Sets the per-channel mean (default 0); one value applies to every channel.
         *
         * @param mean one value per channel, or one value
         * @return this builder
         */
        public Builder optMean(float... mean) {
            this.mean = mean.clone();
            return this;
        }

        /**
         * Sets the per-channel standard deviation (default 1); one value applies to every channel.
         *
         * @param std one positive value per channel, or one value
         * @return this builder
         */
        public Builder optStd(float... std) {
            this.std = std.clone();
            return this;
        }

        /**
         * Sets the class labels (required by {@link ImageClassifier}).
         *
         * @param labels the names, index = output position
         * @return this builder
         */
        public Builder optLabels(List<String> labels) {
            this.labels = List.copyOf(labels);
            return this;
        }

        /**
         * Validates and builds.
         *
         * @return the preprocessing
         * @throws IllegalArgumentException if the size, mean, std or labels are invalid
         */
        public Preprocessing build() {
            if (channels != 1 && channels != 3) {
                throw new IllegalArgumentException("images have 1 (grayscale) or 3 (RGB) channels, not " + channels);
            }
            if (height < 1 || width < 1) {
                throw new IllegalArgumentException("input size must be at least 1x1, got " + height + "x" + width);
            }
            float[] m = perChannel(mean, 0f, "mean");
            float[] s = perChannel(std, 1f, "std");
            for (float v : s) {
                if (!(v > 0) || Float.isInfinite(v)) {
                    throw new IllegalArgumentException("std values must be positive and finite, got " + Arrays.toString(s));
                }
            }
            for (float v : m) {
                if (!Float.isFinite(v)) {
                    throw new IllegalArgumentException("mean values must be finite, got " + Arrays.toString(m));
                }
            }
            List<String> l = labels == null ? numbered(0) : labels;
            return new Preprocessing(this, m, s, l);
        }

        private float[] perChannel(float[] v, float dflt, String what) {
            if (v == null) {
                float[] out = new float[channels];
                Arrays.fill(out, dflt);
                return out;
            }
            if (v.length == 1) {
                float[] out = new float[channels];
                Arrays.fill(out, v[0]);
                return out;
            }
            if (v.length != channels) {
                throw new IllegalArgumentException(what + " has " + v.length + " values for " + channels + " channels");
            }
            return v.clone();
        }
    }
}
