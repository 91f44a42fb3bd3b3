package dev.asnet.runtime.vision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SoftmaxTest {
    @Test
    void probabilitiesAreStableAndSumToOne() {
        float[] p = Softmax.probabilities(new float[] {1000f, 1000f, 998f});
        double e2 = Math.exp(-2);
        assertEquals(1 / (2 + e2), p[0], 1e-6);
        assertEquals(e2 / (2 + e2), p[2], 1e-6);
        assertEquals(1.0, p[0] + p[1] + p[2], 1e-6);
    }

    @Test
    void topKIsSortedCappedAndBreaksTiesByIndex() {
        List<Prediction> top = Softmax.topK(new float[] {0.1f, 0.4f, 0.1f, 0.4f}, 3, List.of("a", "b", "c", "d"));
        assertEquals(List.of(new Prediction(1, "b", 0.4f), new Prediction(3, "d", 0.4f), new Prediction(0, "a", 0.1f)), top);
        assertEquals(2, Softmax.topK(new float[] {0.5f, 0.5f}, 10, List.of("x", "y")).size());
        assertEquals(2, Softmax.argmax(new float[] {9, 1, 2, 5}, 1, 3));
    }

    @Test
    void nonFiniteLogitsAreAnErrorNotAPrediction() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Softmax.argmax(new float[] {0f, Float.NaN, 1f}, 0, 3));
        assertTrue(e.getMessage().contains("not finite") && e.getMessage().contains("class 1"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> Softmax.probabilities(new float[] {Float.POSITIVE_INFINITY, 0f}));
        assertEquals(0, Softmax.argmax(new float[] {Float.NaN, 3f, 2f}, 1, 2), "only the range is checked");
    }
}
