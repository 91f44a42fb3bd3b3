package dev.asnet.training.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ScheduleTest {
    @Test
    void cosineGoesFromBaseToZero() {
        assertEquals(0.1f, Schedule.COSINE.rate(0.1f, 0, 100), 1e-7);
        assertEquals(0.05f, Schedule.COSINE.rate(0.1f, 50, 100), 1e-7);
        assertEquals(0f, Schedule.COSINE.rate(0.1f, 100, 100), 1e-7);
    }

    @Test
    void stepDividesByTenAtHalfAndThreeQuarters() {
        assertEquals(0.1f, Schedule.STEP.rate(0.1f, 49, 100), 1e-7);
        assertEquals(0.01f, Schedule.STEP.rate(0.1f, 50, 100), 1e-7);
        assertEquals(0.001f, Schedule.STEP.rate(0.1f, 75, 100), 1e-7);
        assertEquals(Schedule.STEP, Schedule.parse(" Step "));
        assertThrows(IllegalArgumentException.class, () -> Schedule.parse("linear"));
    }
}
