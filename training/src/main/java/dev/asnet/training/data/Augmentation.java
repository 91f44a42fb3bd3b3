package dev.asnet.training.data;

/**
 * Training-time augmentation: a random crop from the image zero-padded by {@code pad} pixels on
 * every side (same output size), and a horizontal flip with probability 1/2.
 *
 * @param pad padding in pixels (0 disables cropping)
 * @param flip whether to flip horizontally at random
 */
public record Augmentation(int pad, boolean flip) {
    /**
     * Validates the settings.
     *
     * @param pad padding in pixels
     * @param flip random horizontal flips
     */
    public Augmentation {
        if (pad < 0) {
            throw new IllegalArgumentException("crop padding must be >= 0, got " + pad);
        }
    }

    /**
     * No augmentation (evaluation).
     *
     * @return pad 0, no flip
     */
    public static Augmentation none() {
        return new Augmentation(0, false);
    }
}
