package dev.asnet.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.asnet.exporter.ModelInfo;
import dev.asnet.exporter.count.Cost;
import dev.asnet.exporter.count.CostCounter;
import dev.asnet.exporter.ir.Model;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Parameter and MAC counts against the published numbers (docs/asl.md, docs/baselines.md), at each
 * network's default input. A MAC target of 0 means no MAC check.
 */
class ModelSizeTest {
    @ParameterizedTest(name = "{0}: {1} M params (±{2}), {3} M MACs (±{4})")
    @CsvSource({
        "as-resnet-w32, 0.901, 0.01, 166.8, 0.03",
        "as-resnet-w50, 1.963, 0.01, 397.6, 0.03",
        "as-resnet-w68, 3.425, 0.01, 726.9, 0.03",
        "mobilenetv2-1.0, 3.47, 0.03, 300, 0.03",
        "mobilenetv2-0.75, 2.61, 0.03, 209, 0.03",
        "mobilenetv2-0.5, 1.95, 0.03, 97, 0.03",
        "as-resnet20-16x1, 0.0354, 0.02, 0, 0",
        "as-resnet20-16x3, 0.0975, 0.02, 0, 0",
        "as-resnet20-16x6, 0.1906, 0.02, 0, 0",
        "as-resnet20-16x9, 0.2837, 0.02, 0, 0",
        "as-resnet20-46x1, 0.2756, 0.02, 0, 0",
        "as-resnet20-88x1, 0.9929, 0.02, 0, 0",
        "shiftnet-a, 4.1, 0.10, 0, 0",
        "shiftnet-b, 1.1, 0.10, 0, 0",
        "shiftnet-c, 0.78, 0.10, 0, 0",
    })
    void matchesPublishedSize(String name, double params, double paramTol, double macs, double macTol) {
        Model m = ModelZoo.build(name);
        Cost c = CostCounter.count(m.graph());
        double p = c.params() / 1e6;
        double mac = c.macs() / 1e6;
        System.out.printf("%-18s params %.4f M (published %.4f, %+.2f%%)  MACs %.1f M%s%n", name, p, params,
                100 * (p / params - 1), mac, macs > 0 ? String.format(" (published %.1f, %+.2f%%)", macs, 100 * (mac / macs - 1)) : "");
        assertTrue(Math.abs(p / params - 1) <= paramTol,
                name + ": " + p + " M params, published " + params + " M (tolerance " + paramTol * 100 + "%)");
        if (macs > 0) {
            assertTrue(Math.abs(mac / macs - 1) <= macTol,
                    name + ": " + mac + " M MACs, published " + macs + " M (tolerance " + macTol * 100 + "%)");
        }
        assertEquals(Long.toString(c.params()), m.metadata().get(ModelInfo.PARAMS));
        assertEquals(Long.toString(c.macs()), m.metadata().get(ModelInfo.MACS));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"16, 1", "16, 3", "16, 6", "16, 9", "46, 1", "88, 1"})
    void ablationBaselinesDifferOnlyInTheSpatialOp(int w, int e) {
        Cost as = CostCounter.count(ModelZoo.build("as-resnet20-" + w + "x" + e).graph());
        Cost shift = CostCounter.count(ModelZoo.build("shiftresnet20-" + w + "x" + e).graph());
        Cost dw = CostCounter.count(ModelZoo.build("dwresnet20-" + w + "x" + e).graph());
        // Shift channels: E*w in each of the 3 blocks of the 3 stages (widths w, 2w, 4w).
        long shiftChannels = 3L * e * (w + 2L * w + 4L * w);
        assertEquals(as.params() - 2 * shiftChannels, shift.params());
        assertEquals(as.params() + 7 * shiftChannels, dw.params());
        assertEquals(as.macs(), shift.macs());
        assertTrue(dw.macs() > as.macs());
    }
}
