package dev.asnet.runtime.vision;

import dev.asnet.runtime.NonFiniteOutputException;
import java.util.ArrayList;
import java.util.List;

/** Softmax and top-k over class scores. */
public final class Softmax {
    private Softmax() {}

    /**
     * Softmax of logits, computed in double after subtracting the maximum so large logits do not
     * overflow.
     *
     * @param logits class scores
     * @return probabilities summing to 1
     * @throws NonFiniteOutputException if a logit is NaN or infinite (a broken model must not look
     *     like a confident prediction)
     */
    public static float[] probabilities(float[] logits) {
        requireFinite(logits, 0, logits.length);
        double max = Double.NEGATIVE_INFINITY;
        for (float v : logits) {
            max = Math.max(max, v);
        }
        double[] e = new double[logits.length];
        double sum = 0;
        for (int i = 0; i < logits.length; i++) {
            e[i] = Math.exp(logits[i] - max);
            sum += e[i];
        }
        float[] p = new float[logits.length];
        for (int i = 0; i < p.length; i++) {
            p[i] = (float) (e[i] / sum);
        }
        return p;
    }

    /**
     * Index of the largest value in a range (the first one on ties).
     *
     * @param values the values
     * @param offset where the range starts
     * @param length its length (>= 1)
     * @return the index within the range
     * @throws NonFiniteOutputException if a value is NaN or infinite
     */
    public static int argmax(float[] values, int offset, int length) {
        requireFinite(values, offset, length);
        int best = 0;
        for (int i = 1; i < length; i++) {
            if (values[offset + i] > values[offset + best]) {
                best = i;
            }
        }
        return best;
    }

    private static void requireFinite(float[] values, int offset, int length) {
        for (int i = 0; i < length; i++) {
            if (!Float.isFinite(values[offset + i])) {
                throw new NonFiniteOutputException("the model's output is not finite (" + values[offset + i] + " for class " + i
                        + "): the model or its input is broken");
            }
        }
    }

    /**
     * The k most probable classes, most probable first (lower index first on ties).
     *
     * @param probabilities one probability per class
     * @param k how many (capped at the class count)
     * @param labels class names, index = class
     * @return the predictions
     */
    public static List<Prediction> topK(float[] probabilities, int k, List<String> labels) {
        int n = Math.min(k, probabilities.length);
        List<Integer> order = new ArrayList<>(probabilities.length);
        for (int i = 0; i < probabilities.length; i++) {
            order.add(i);
        }
        order.sort((a, b) -> probabilities[a] != probabilities[b]
                ? Float.compare(probabilities[b], probabilities[a]) : Integer.compare(a, b));
        List<Prediction> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int c = order.get(i);
            out.add(new Prediction(c, c < labels.size() ? labels.get(c) : "class " + c, probabilities[c]));
        }
        return out;
    }
}
