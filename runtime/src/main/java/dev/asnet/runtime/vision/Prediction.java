package dev.asnet.runtime.vision;

/**
 * One class of a classification result.
 *
 * @param index the class index (position in the model's output)
 * @param label the class name
 * @param probability the softmax probability, in [0, 1]
 */
public record Prediction(int index, String label, float probability) {
    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "%s (%d) %.4f", label, index, probability);
    }
}
