package dev.asnet.exporter.quantize;

import java.util.Objects;

/**
 * What a quantized model was calibrated on, written into its metadata.
 *
 * @param description the data, such as {@code fashion-mnist train (/usr/share/datasets/fashion-mnist)}
 * @param images how many images were run
 * @param seed the seed that chose or made them
 */
public record CalibrationInfo(String description, int images, long seed) {
    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException if the description is empty or the count not positive
     */
    public CalibrationInfo {
        Objects.requireNonNull(description, "description");
        if (description.isBlank() || images < 1) {
            throw new IllegalArgumentException("calibration needs a description and at least one image, got '"
                    + description + "' with " + images);
        }
    }
}
