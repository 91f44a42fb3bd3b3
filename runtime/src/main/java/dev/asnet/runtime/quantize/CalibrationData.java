package dev.asnet.runtime.quantize;

/**
 * Images for calibrating a quantized model, already preprocessed as the model's input expects
 * (size, channels, normalization). Implementations are deterministic: the same index gives the same
 * values every time. Made by {@link CalibrationSets}.
 */
public interface CalibrationData {
    /**
     * How many images there are.
     *
     * @return at least 1
     */
    int size();

    /**
     * Values per image ({@code C * H * W}).
     *
     * @return the count
     */
    int imageSize();

    /**
     * Writes one preprocessed image.
     *
     * @param index the image, in {@code [0, size())}
     * @param dest the destination
     * @param offset where the image's values start in {@code dest}
     * @throws java.io.UncheckedIOException if the image cannot be read (image folders)
     */
    void fill(int index, float[] dest, int offset);

    /**
     * What the data is, for the quantized model's metadata, such as {@code fashion-mnist train
     * (/usr/share/datasets/fashion-mnist)}.
     *
     * @return the description
     */
    String description();

    /**
     * The seed that chose or generated the images.
     *
     * @return the seed
     */
    long seed();
}
