package dev.asnet.exporter;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.asnet.exporter.export.SpreadShifts;
import dev.asnet.exporter.ir.DataType;
import dev.asnet.exporter.ir.Graph;
import dev.asnet.exporter.ir.Shape;
import dev.asnet.exporter.ir.Tensor;
import dev.asnet.exporter.ir.Value;
import dev.asnet.exporter.ops.GraphBuilder;
import dev.asnet.exporter.ops.OpRegistry;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Spreading shifts: seeded, within the range, only ActiveShift shifts, bad ranges refused. */
class SpreadShiftsTest {
    private static final int C = 40;

    /** image [N,C,6,6] -> ASL, and a second [C, 2] initializer that no ActiveShift reads. */
    private static Graph net() {
        Graph g = new Graph("spread", OpRegistry.standard());
        GraphBuilder b = new GraphBuilder(g);
        Value x = b.input("image", DataType.FLOAT, Shape.batched("N", C, 6, 6));
        Value h = b.activeShift("asl", x, b.parameter("asl.shift", Tensor.ofFloats(new float[2 * C], C, 2)), 1, 1);
        b.output(h, "y");
        b.parameter("other", Tensor.ofFloats(new float[2 * C], C, 2));
        g.assignNames();
        return g;
    }

    private static float[] values(Graph g, String name) {
        return g.initializers().stream().filter(v -> v.name().equals(name)).findFirst().orElseThrow().data().floats();
    }

    @Test
    void shiftsAreSeededAndWithinTheRange() {
        Graph a = net();
        Graph b = net();
        Graph c = net();
        SpreadShifts.apply(a, 4.7f, 3);
        SpreadShifts.apply(b, 4.7f, 3);
        SpreadShifts.apply(c, 4.7f, 4);
        float[] s = values(a, "asl.shift");
        assertArrayEquals(s, values(b, "asl.shift"));
        assertFalse(Arrays.equals(s, values(c, "asl.shift")));
        float max = 0;
        for (float v : s) {
            assertTrue(Math.abs(v) <= 4.7f, "shift " + v + " outside +-4.7");
            max = Math.max(max, Math.abs(v));
        }
        assertTrue(max > 3f, "80 draws in +-4.7 should reach past 3, largest " + max);
        assertArrayEquals(new float[2 * C], values(a, "other"));  // not an ActiveShift's shift
    }

    @Test
    void badRangesAreRefused() {
        for (float r : new float[] {0f, -1f, Float.NaN, Float.POSITIVE_INFINITY}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> SpreadShifts.apply(net(), r, 1));
            assertTrue(e.getMessage().contains("shift range"), e.getMessage());
        }
    }
}
