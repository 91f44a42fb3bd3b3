package dev.asnet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.asnet.training.trainer.EpochMetrics;
import java.awt.geom.Rectangle2D;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;

/** Draws each training chart and checks what a reader needs. */
class TrainingChartsTest {
    private static final List<EpochMetrics> ONE_EPOCH = List.of(new EpochMetrics(1, 2.3669, 0.21, 4.4065, 0.1, 0.1, 10, 25));
    private static final List<EpochMetrics> THREE = List.of(new EpochMetrics(1, 1.2, 0.6, 1.0, 0.65, 0.1, 10, 25),
            new EpochMetrics(2, 0.7, 0.78, 0.6, 0.8, 0.05, 10, 25), new EpochMetrics(3, 0.5, 0.84, 0.45, 0.85, 0.01, 10, 25));

    @Test
    void curvesHaveUnitsOutsideLegendsAndReadableTicks() throws Exception {
        for (List<EpochMetrics> h : List.of(ONE_EPOCH, THREE)) {
            XYChart loss = TrainingCharts.lossChart(h);
            XYChart acc = TrainingCharts.accuracyChart(h);
            assertTrue(loss.getYAxisTitle().contains("cross-entropy"), loss.getYAxisTitle());
            assertTrue(acc.getYAxisTitle().contains("%"), acc.getYAxisTitle());
            assertEquals(0.0, loss.getStyler().getYAxisMin());
            assertEquals(5.0, TrainingCharts.lossChart(ONE_EPOCH).getStyler().getYAxisMax());
            assertEquals(100.0, acc.getStyler().getYAxisMax());
            // The accuracy axis starts at a multiple of 5 below the lowest point (10% and 60%
            // here); epochs are labelled with whole numbers only.
            assertEquals(h == ONE_EPOCH ? 5.0 : 55.0, acc.getStyler().getYAxisMin());
            assertEquals("1", acc.getStyler().getxAxisTickLabelsFormattingFunction().apply(1.0));
            assertEquals("", acc.getStyler().getxAxisTickLabelsFormattingFunction().apply(1.5));
            // XChart ranges the epoch axis itself from two epochs on (exactly the epochs there are).
            assertEquals(h.size() == 1 ? (Double) 0.0 : null, acc.getStyler().getXAxisMin());
            for (XYChart c : List.of(loss, acc)) {
                assertLegendOutside(c);
                assertFalse(c.getSeriesMap().get("train").getMarkerColor().equals(c.getSeriesMap().get("test").getMarkerColor()));
                save(c, c.getTitle().split(" ")[0].toLowerCase() + "-" + h.size() + ".png");
            }
        }
    }

    @Test
    void shiftScatterIsSquareTitledAndInPixels() throws Exception {
        assertEquals("stage1.block0", TrainingCharts.layerName("stage1.block0.shift.shift"));
        assertEquals("stage2.block3.asl", TrainingCharts.layerName("stage2.block3.asl.shift"));
        Random r = new Random(1);
        float[] s = new float[192 * 2];
        for (int i = 0; i < s.length; i++) {
            s[i] = (float) (r.nextGaussian() * 0.8);
        }
        XYChart chart = TrainingCharts.shiftChart("stage2.block0.shift.shift", s);
        assertEquals("Learned shifts: stage2.block0 (192 channels)", chart.getTitle());
        assertTrue(chart.getXAxisTitle().contains("pixels") && chart.getYAxisTitle().contains("pixels"));
        assertEquals(chart.getStyler().getXAxisMin(), chart.getStyler().getYAxisMin());
        assertEquals(chart.getStyler().getXAxisMax(), chart.getStyler().getYAxisMax());
        BitmapEncoder.getBufferedImage(chart);
        Rectangle2D plot = bounds(chart, "plot");
        assertEquals(1.0, plot.getWidth() / plot.getHeight(), 0.05, "plot area not square: " + plot);
        int marker = chart.getStyler().getMarkerSize();
        assertTrue(marker >= 5 && marker <= 7, "marker " + marker + " px for 192 points");
        assertTrue(chart.getSeriesMap().get("channels").getMarkerColor().getAlpha() < 255, "overlapping points need transparency");
        save(chart, "shifts-192.png");
    }

    static void assertLegendOutside(Chart<?, ?> chart) throws Exception {
        Styler.LegendPosition p = chart.getStyler().getLegendPosition();
        assertTrue(p == Styler.LegendPosition.OutsideE || p == Styler.LegendPosition.OutsideS, "legend at " + p);
        BitmapEncoder.getBufferedImage(chart);
        // XChart keeps only the legend's size (it is placed while painting): put it where OutsideE/S puts it.
        Rectangle2D size = bounds(chart, "legend");
        Rectangle2D plot = bounds(chart, "plot");
        double pad = chart.getStyler().getChartPadding();
        Rectangle2D legend = p == Styler.LegendPosition.OutsideE
                ? new Rectangle2D.Double(chart.getWidth() - pad - size.getWidth(), plot.getY(), size.getWidth(), size.getHeight())
                : new Rectangle2D.Double(plot.getX(), chart.getHeight() - pad - size.getHeight(), size.getWidth(), size.getHeight());
        assertTrue(size.getWidth() > 0, "no legend drawn");
        assertFalse(legend.intersects(plot), "legend " + legend + " overlaps plot " + plot);
    }

    static Rectangle2D bounds(Chart<?, ?> chart, String part) throws Exception {
        Field f = Chart.class.getDeclaredField(part);
        f.setAccessible(true);
        Object o = f.get(chart);
        Method m = o.getClass().getMethod("getBounds");
        m.setAccessible(true);
        return (Rectangle2D) m.invoke(o);
    }

    /** With -Dasnet.charts.out=DIR, keeps the drawn charts for a look. */
    private static void save(Chart<?, ?> chart, String file) throws Exception {
        String out = System.getProperty("asnet.charts.out");
        if (out != null) {
            Files.createDirectories(Path.of(out));
            BitmapEncoder.saveBitmap(chart, Path.of(out, file).toString(), BitmapEncoder.BitmapFormat.PNG);
        }
    }
}
