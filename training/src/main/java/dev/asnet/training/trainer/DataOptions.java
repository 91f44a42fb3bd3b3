package dev.asnet.training.trainer;

import dev.asnet.runtime.dataset.BadImages;
import dev.asnet.runtime.dataset.DatasetFolder;
import dev.asnet.runtime.dataset.ImageSize;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/**
 * How a run reads its data (the folder itself is {@link TrainConfig#data()}): the layout, the input
 * size, the validation split of a folder without {@code val/}, the normalization, the crop padding
 * relative to the image size, what to do with undecodable images, and whether the images are held
 * in memory or streamed from disk.
 *
 * @param format the layout, {@link DatasetFolder.Format#AUTO} to recognize it
 * @param input the size images are brought to, or null for the data's own
 * @param valSplit fraction of each class held out for validation (image folders without
 *     {@code val/}; 0 = none)
 * @param mean per-channel mean, or null to use the preset (Fashion-MNIST) or compute it from the
 *     training images
 * @param std per-channel standard deviation, with {@code mean}
 * @param padFraction crop padding as a fraction of the smaller image side (rounded to pixels);
 *     when > 0 it replaces {@link TrainConfig#pad()}
 * @param badImages what happens to image files that cannot be decoded
 * @param loading whether images are held in memory or streamed from disk (does not change the
 *     result)
 */
public record DataOptions(DatasetFolder.Format format, ImageSize input, double valSplit, float[] mean, float[] std,
        float padFraction, BadImages badImages, Loading loading) {
    /** The crop padding used when none is given: 1/14 of the smaller side (2 pixels at 28x28 and 32x32). */
    public static final float DEFAULT_PAD_FRACTION = 1f / 14;

    /** Where the training images are kept. */
    public enum Loading {
        /** In memory when training and test images take at most a third of the heap, else streamed. */
        AUTO,
        /** Decoded once and held in memory. */
        MEMORY,
        /** Decoded from disk for every batch, on a background thread ahead of the training step. */
        STREAM;

        /**
         * Parses {@code auto}, {@code memory} or {@code stream}.
         *
         * @param s the name
         * @return the choice
         */
        public static Loading parse(String s) {
            for (Loading l : values()) {
                if (l.name().equalsIgnoreCase(s.trim())) {
                    return l;
                }
            }
            throw new IllegalArgumentException("unknown loading '" + s + "' (use auto, memory or stream)");
        }
    }

    /**
     * Validates the values; null format, policy and loading mean the defaults.
     *
     * @throws IllegalArgumentException naming the bad value
     */
    public DataOptions {
        format = format == null ? DatasetFolder.Format.AUTO : format;
        badImages = badImages == null ? BadImages.FAIL : badImages;
        loading = loading == null ? Loading.AUTO : loading;
        if (!(valSplit >= 0 && valSplit < 1)) {
            throw new IllegalArgumentException("the validation split must be a fraction in [0, 1), got " + valSplit);
        }
        if ((mean == null) != (std == null)) {
            throw new IllegalArgumentException("give both the channel mean and std, or neither");
        }
        if (mean != null) {
            if (mean.length != std.length) {
                throw new IllegalArgumentException("channel mean and std have " + mean.length + " and " + std.length
                        + " values");
            }
            for (int i = 0; i < mean.length; i++) {
                if (!Float.isFinite(mean[i]) || !(std[i] > 0) || !Float.isFinite(std[i])) {
                    throw new IllegalArgumentException("channel mean must be finite and std finite and > 0, got mean "
                            + Arrays.toString(mean) + ", std " + Arrays.toString(std));
                }
            }
            mean = mean.clone();
            std = std.clone();
        }
        if (!(padFraction >= 0 && padFraction < 0.5f)) {
            throw new IllegalArgumentException("the crop padding fraction must be in [0, 0.5), got " + padFraction);
        }
    }

    /**
     * The defaults: recognize the layout, the data's own size, no split, preset or computed
     * normalization, the pixel padding of {@link TrainConfig#pad()}, fail on bad images, automatic
     * loading. A run configured before these options existed reads its data this way.
     *
     * @return the defaults
     */
    public static DataOptions defaults() {
        return new DataOptions(DatasetFolder.Format.AUTO, null, 0, null, null, 0, BadImages.FAIL, Loading.AUTO);
    }

    /**
     * The crop padding in pixels for images of a size.
     *
     * @param pad the configured pixels, used when {@link #padFraction()} is 0
     * @param height image height
     * @param width image width
     * @return the padding in pixels
     */
    public int padPixels(int pad, int height, int width) {
        return padFraction > 0 ? Math.round(padFraction * Math.min(height, width)) : pad;
    }

    /**
     * The first difference that changes a run's result, or null: everything but {@link #loading()};
     * an AUTO format matches any.
     *
     * @param other the options of a checkpoint
     * @return the difference, or null
     */
    public String incompatibility(DataOptions other) {
        if (format != other.format && format != DatasetFolder.Format.AUTO && other.format != DatasetFolder.Format.AUTO) {
            return "data format " + other.format.id() + " vs " + format.id();
        }
        if (!Objects.equals(input, other.input)) {
            return "input " + other.input + " vs " + input;
        }
        if (valSplit != other.valSplit) {
            return "validation split " + other.valSplit + " vs " + valSplit;
        }
        if (!Arrays.equals(mean, other.mean) || !Arrays.equals(std, other.std)) {
            return "channel mean/std " + Arrays.toString(other.mean) + "/" + Arrays.toString(other.std) + " vs "
                    + Arrays.toString(mean) + "/" + Arrays.toString(std);
        }
        if (padFraction != other.padFraction) {
            return "crop padding fraction " + other.padFraction + " vs " + padFraction;
        }
        if (badImages != other.badImages) {
            return "bad images " + other.badImages.id() + " vs " + badImages.id();
        }
        return null;
    }

    /**
     * Per-channel mean, or null.
     *
     * @return a copy
     */
    @Override
    public float[] mean() {
        return mean == null ? null : mean.clone();
    }

    /**
     * Per-channel standard deviation, or null.
     *
     * @return a copy
     */
    @Override
    public float[] std() {
        return std == null ? null : std.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DataOptions d && incompatibility(d) == null && format == d.format && loading == d.loading;
    }

    @Override
    public int hashCode() {
        return Objects.hash(format, input, valSplit, Arrays.hashCode(mean), Arrays.hashCode(std), padFraction, badImages,
                loading);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "format %s, input %s, val split %s, mean %s, std %s, pad fraction %s, "
                + "bad images %s, loading %s", format.id(), input == null ? "own" : input, valSplit,
                Arrays.toString(mean), Arrays.toString(std), padFraction, badImages.id(),
                loading.name().toLowerCase(Locale.ROOT));
    }
}
