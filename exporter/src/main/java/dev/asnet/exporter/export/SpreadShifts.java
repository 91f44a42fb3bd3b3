package dev.asnet.exporter.export;

import dev.asnet.exporter.ir.Graph;
import dev.asnet.exporter.ir.Node;
import dev.asnet.exporter.ir.Tensor;
import dev.asnet.exporter.ops.AsnetDomain;
import java.util.SplittableRandom;

/**
 * Replaces every ActiveShift's constant shift with seeded values uniform in [-range, range]. A
 * freshly initialized network has shifts in [-1, 1] (a few integer offsets per channel block);
 * trained ImageNet shifts are spread wider (the released AS-ResNet-w32 spans about +-4.75), which
 * is what latency measurements and the kernels' many-offset paths need. Used by {@code asnet export
 * --shift-range} and by tests.
 */
public final class SpreadShifts {
    private SpreadShifts() {}

    /**
     * Draws the shifts of every ActiveShift whose shift input is an initializer.
     *
     * @param g the graph, edited in place
     * @param range half the width of the interval, > 0
     * @param seed the seed (the same graph, range and seed give the same shifts)
     * @throws IllegalArgumentException if range is not a finite number > 0
     */
    public static void apply(Graph g, float range, long seed) {
        if (!(range > 0) || Float.isInfinite(range)) {
            throw new IllegalArgumentException("shift range must be finite and > 0, got " + range);
        }
        SplittableRandom r = new SplittableRandom(seed ^ 0x5348494654L);
        for (Node n : g.nodes()) {
            if (n.domain().equals(AsnetDomain.DOMAIN) && n.opType().equals(AsnetDomain.ACTIVE_SHIFT)
                    && n.input(1).isInitializer()) {
                Tensor old = n.input(1).data();
                float[] s = new float[old.size()];
                for (int i = 0; i < s.length; i++) {
                    s[i] = (float) ((r.nextDouble() * 2 - 1) * range);
                }
                g.replaceInitializerData(n.input(1).name(), Tensor.ofFloats(s, old.dims()));
            }
        }
    }
}
