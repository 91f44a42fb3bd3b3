package dev.asnet.runtime.vision;

import java.util.List;
import java.util.Locale;

/**
 * The result of classifying a labeled dataset: accuracy, the confusion matrix, each image's
 * predicted class, and throughput.
 */
public final class Evaluation {
    private final List<String> classNames;
    private final int[] predicted;
    private final int[] expected;
    private final int[][] confusion;
    private final int correct;
    private final double seconds;

    Evaluation(List<String> classNames, int[] predicted, int[] expected, double seconds) {
        this.classNames = List.copyOf(classNames);
        this.predicted = predicted.clone();
        this.expected = expected.clone();
        this.seconds = seconds;
        int k = classNames.size();
        this.confusion = new int[k][k];
        int ok = 0;
        for (int i = 0; i < predicted.length; i++) {
            confusion[expected[i]][predicted[i]]++;
            if (predicted[i] == expected[i]) {
                ok++;
            }
        }
        this.correct = ok;
    }

    /**
     * Images classified.
     *
     * @return the count
     */
    public int count() {
        return predicted.length;
    }

    /**
     * Images whose top-1 class is their label.
     *
     * @return the count
     */
    public int correct() {
        return correct;
    }

    /**
     * Top-1 accuracy.
     *
     * @return {@code correct() / count()}, or 0 for no images
     */
    public double accuracy() {
        return predicted.length == 0 ? 0 : (double) correct / predicted.length;
    }

    /**
     * The top-1 class of every image, in dataset order.
     *
     * @return a copy of the predictions
     */
    public int[] predicted() {
        return predicted.clone();
    }

    /**
     * Counts by (label, predicted class): {@code confusion()[label][predicted]}.
     *
     * @return a copy of the matrix
     */
    public int[][] confusion() {
        int[][] c = new int[confusion.length][];
        for (int i = 0; i < c.length; i++) {
            c[i] = confusion[i].clone();
        }
        return c;
    }

    /**
     * Accuracy on the images of one class.
     *
     * @param label the class
     * @return its recall, or 0 when the dataset has none of it
     */
    public double classAccuracy(int label) {
        int total = 0;
        for (int v : confusion[label]) {
            total += v;
        }
        return total == 0 ? 0 : (double) confusion[label][label] / total;
    }

    /**
     * The class names, index = label.
     *
     * @return the names
     */
    public List<String> classNames() {
        return classNames;
    }

    /**
     * Wall time spent preprocessing and running the model.
     *
     * @return seconds
     */
    public double seconds() {
        return seconds;
    }

    /**
     * Throughput.
     *
     * @return images per second
     */
    public double imagesPerSecond() {
        return seconds > 0 ? count() / seconds : 0;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "accuracy %.4f (%d/%d), %.1f images/s", accuracy(), correct, count(),
                imagesPerSecond());
    }
}
