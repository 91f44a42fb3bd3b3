package dev.asnet.exporter;

import java.util.Objects;

/**
 * How a model was trained, recorded by the trainer in the {@code asnet.trained.*} metadata.
 *
 * @param dataset the dataset trained on, such as {@code fashion-mnist}
 * @param epochs the epochs run, {@code >= 0}
 * @param testAccuracy accuracy on the test split after the last epoch, in [0, 1]
 */
public record TrainingInfo(String dataset, int epochs, double testAccuracy) {
    /**
     * Validates the fields.
     *
     * @throws IllegalArgumentException naming the bad field
     */
    public TrainingInfo {
        Objects.requireNonNull(dataset, "dataset");
        if (dataset.isBlank()) {
            throw new IllegalArgumentException("the dataset name must not be blank");
        }
        if (epochs < 0) {
            throw new IllegalArgumentException("epochs must be >= 0, got " + epochs);
        }
        if (!(testAccuracy >= 0 && testAccuracy <= 1)) {
            throw new IllegalArgumentException("test accuracy must be in [0, 1], got " + testAccuracy);
        }
    }
}
