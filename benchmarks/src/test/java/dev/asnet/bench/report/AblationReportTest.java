package dev.asnet.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.style.Styler;

class AblationReportTest {
    @TempDir
    Path dir;

    private void run(String name, double... acc) throws IOException {
        StringBuilder sb = new StringBuilder("epoch,train_loss,train_accuracy,test_loss,test_accuracy,lr\n");
        for (int i = 0; i < acc.length; i++) {
            sb.append(i + 1).append(",0.5,0.8,0.5,").append(acc[i]).append(",0.01\n");
        }
        Files.createDirectories(dir.resolve(name));
        Files.writeString(dir.resolve(name).resolve("metrics.csv"), sb.toString());
    }

    @Test
    void meanAndSampleStdOverFinishedSeedsOnly() throws Exception {
        run("as-resnet20-16x3-seed1", 0.90, 0.94);
        run("as-resnet20-16x3-seed2", 0.91, 0.95);
        run("as-resnet20-16x3-seed3", 0.92, 0.96);
        run("dwresnet20-16x3-seed1", 0.90);
        Files.createDirectories(dir.resolve("notes")); // not a run folder
        List<AblationReport.Run> runs = AblationReport.read(dir);
        assertEquals(4, runs.size());
        String table = AblationReport.table(runs, 2);
        // 94, 95, 96: mean 95, sample std 1.
        assertTrue(table.contains("| as-resnet20-16x3 | 3 | 95.00 ± 1.00% | 1: 94.00%, 2: 95.00%, 3: 96.00% |"), table);
        assertTrue(table.contains("| dwresnet20-16x3 | 0 | - | - |"), table);
        assertTrue(table.contains("Unfinished: dwresnet20-16x3 seed 1: 1 of 2 epochs"), table);
    }

    @Test
    void chartKeepsOneHuePerModelAndTheLegendOutside() throws Exception {
        run("as-resnet20-16x3-seed1", 0.90, 0.94);
        run("as-resnet20-16x3-seed2", 0.91, 0.95);
        run("shiftresnet20-16x3-seed1", 0.89, 0.93);
        XYChart c = AblationReport.chart(AblationReport.read(dir));
        assertEquals(Styler.LegendPosition.OutsideE, c.getStyler().getLegendPosition());
        var a1 = c.getSeriesMap().get("as-resnet20-16x3 seed 1").getLineColor();
        var a2 = c.getSeriesMap().get("as-resnet20-16x3 seed 2").getLineColor();
        var s1 = c.getSeriesMap().get("shiftresnet20-16x3 seed 1").getLineColor();
        assertNotEquals(a1, a2);
        assertTrue(a1.getBlue() > a1.getGreen() && s1.getGreen() > s1.getBlue(), a1 + " " + s1);
        assertEquals(100.0, c.getStyler().getYAxisMax());
    }

    @Test
    void aMetricsFileWithoutTestAccuracyIsNamed() throws Exception {
        Files.createDirectories(dir.resolve("x-seed1"));
        Files.writeString(dir.resolve("x-seed1/metrics.csv"), "epoch,loss\n1,0.5\n");
        IOException e = assertThrows(IOException.class, () -> AblationReport.read(dir));
        assertTrue(e.getMessage().contains("x-seed1") && e.getMessage().contains("test_accuracy"), e.getMessage());
    }
}
