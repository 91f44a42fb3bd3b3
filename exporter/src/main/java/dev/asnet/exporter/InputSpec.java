package dev.asnet.exporter;

import java.util.Arrays;
import java.util.Objects;

/**
 * What a classifier's image input is: {@code channels x height x width} values, each pixel scaled
 * to [0, 1] and normalized per channel as {@code (pixel / 255 - mean[c]) / std[c]}. The zoo builds
 * networks for one ({@code ModelConfig}), the exporter records it in the model's metadata ({@link
 * ModelInfo}) and the runtime turns images into input with it.
 *
 * <pre>{@code
 * InputSpec fashion = new InputSpec(1, 28, 28, new float[] {0.286f}, new float[] {0.353f});
 * InputSpec plain = InputSpec.unnormalized(3, 32, 32);   // mean 0, std 1
 * }</pre>
 *
 * @param channels input channels, {@code >= 1}
 * @param height input height in pixels, {@code >= 1}
 * @param width input width in pixels, {@code >= 1}
 * @param mean per-channel mean subtracted from pixels in [0, 1], one finite value per channel
 * @param std per-channel standard deviation, one positive finite value per channel
 */
public record InputSpec(int channels, int height, int width, float[] mean, float[] std) {
    /**
     * Validates the size and normalization and copies the arrays.
     *
     * @throws IllegalArgumentException naming the bad field
     */
    public InputSpec {
        if (channels < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException("input must be at least 1x1x1, got " + channels + "x" + height + "x"
                    + width);
        }
        mean = perChannel(mean, channels, "mean");
        std = perChannel(std, channels, "std");
        for (float v : mean) {
            if (!Float.isFinite(v)) {
                throw new IllegalArgumentException("mean values must be finite, got " + Arrays.toString(mean));
            }
        }
        for (float v : std) {
            if (!(v > 0) || Float.isInfinite(v)) {
                throw new IllegalArgumentException("std values must be positive and finite, got "
                        + Arrays.toString(std));
            }
        }
    }

    /**
     * An input without normalization: mean 0 and std 1 on every channel.
     *
     * @param channels channels
     * @param height height
     * @param width width
     * @return the specification
     */
    public static InputSpec unnormalized(int channels, int height, int width) {
        float[] ones = new float[channels];
        Arrays.fill(ones, 1f);
        return new InputSpec(channels, height, width, new float[channels], ones);
    }

    /**
     * The same size with another normalization.
     *
     * @param channelMean one mean per channel
     * @param channelStd one std per channel
     * @return the new specification
     */
    public InputSpec withNormalization(float[] channelMean, float[] channelStd) {
        return new InputSpec(channels, height, width, channelMean, channelStd);
    }

    /**
     * Per-channel mean.
     *
     * @return a copy, one value per channel
     */
    @Override
    public float[] mean() {
        return mean.clone();
    }

    /**
     * Per-channel standard deviation.
     *
     * @return a copy, one value per channel
     */
    @Override
    public float[] std() {
        return std.clone();
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
    public boolean equals(Object o) {
        return o instanceof InputSpec s && channels == s.channels && height == s.height && width == s.width
                && Arrays.equals(mean, s.mean) && Arrays.equals(std, s.std);
    }

    @Override
    public int hashCode() {
        return Objects.hash(channels, height, width, Arrays.hashCode(mean), Arrays.hashCode(std));
    }

    @Override
    public String toString() {
        return channels + "x" + height + "x" + width + ", mean=" + Arrays.toString(mean) + ", std="
                + Arrays.toString(std);
    }

    private static float[] perChannel(float[] values, int channels, String what) {
        Objects.requireNonNull(values, what);
        if (values.length != channels) {
            throw new IllegalArgumentException(what + " has " + values.length + " values for " + channels
                    + " channels");
        }
        return values.clone();
    }
}
