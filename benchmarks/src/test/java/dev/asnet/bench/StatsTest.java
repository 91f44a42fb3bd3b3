package dev.asnet.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.asnet.bench.latency.Stats;
import org.junit.jupiter.api.Test;

/** Nearest-rank quantiles on known data. */
class StatsTest {
    @Test
    void nearestRankQuantiles() {
        double[] v = {9, 1, 8, 2, 7, 3, 6, 4, 5, 10};  // 1..10, shuffled
        assertEquals(1, Stats.quantile(v, 0.0));
        assertEquals(5, Stats.quantile(v, 0.5));
        assertEquals(9, Stats.quantile(v, 0.9));
        assertEquals(10, Stats.quantile(v, 0.95));
        assertEquals(10, Stats.quantile(v, 1.0));
        assertEquals(4, Stats.quantile(new double[] {4, 1, 7}, 0.5));
        assertEquals(9, v[0], "the input is not reordered");
    }

    @Test
    void emptyAndInvalid() {
        assertTrue(Double.isNaN(Stats.quantile(new double[0], 0.5)));
        assertThrows(IllegalArgumentException.class, () -> Stats.quantile(new double[] {1}, 1.5));
    }
}
