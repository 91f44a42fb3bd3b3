package dev.asnet.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.asnet.bench.latency.BenchConfig;
import dev.asnet.bench.latency.BenchModel;
import dev.asnet.bench.latency.Measurement;
import dev.asnet.runtime.OptimizationLevel;
import java.awt.Color;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;

/** Draws each latency chart and checks what a reader needs: legend off the data, per-image units, colours, titles. */
class LatencyChartsTest {
    private static final BenchConfig ALL = new BenchConfig(1, OptimizationLevel.ALL);
    private static final BenchConfig BASIC = new BenchConfig(1, OptimizationLevel.BASIC);

    private static BenchModel model(String family, String variant, int batch, long params) {
        String name = family + (variant.equals("-") || variant.equals("b" + batch) ? "" : "/" + variant.replaceAll("\\s*b" + batch + "$", ""))
                + (batch == 1 ? "" : "/b" + batch);
        return new BenchModel(name, family, variant, new long[] {batch, 1, 28, 28}, params, 0, () -> new byte[0]);
    }

    private static Measurement run(BenchModel m, BenchConfig c, double ms) {
        return new Measurement(m, c, new double[] {ms, ms, ms}, null);
    }

    /** The small suite's shape: four families at batch 1 and 64. */
    static List<Measurement> smallSuite(BenchConfig... configs) {
        List<Measurement> out = new ArrayList<>();
        for (BenchConfig c : configs) {
            double slow = c.level() == OptimizationLevel.BASIC ? 2 : 1;
            for (int batch : new int[] {1, 64}) {
                String b = batch == 1 ? "" : " b" + batch;
                out.add(run(model("as-resnet20-16x6", "custom" + b, batch, 190_000), c, slow * 0.45 * batch * 0.9));
                out.add(run(model("shiftresnet20-16x6", "custom" + b, batch, 185_000), c, slow * 0.44 * batch));
                out.add(run(model("dwresnet20-16x6", batch == 1 ? "-" : "b64", batch, 200_000), c, slow * 0.5 * batch));
                out.add(run(model("mobilenetv2-cifar", batch == 1 ? "-" : "b64", batch, 2_240_000), c, slow * 1.4 * batch));
            }
        }
        return out;
    }

    /** The demo's shape: one level, batch 1, the demonstrated model and its baselines. */
    static List<Measurement> demo() {
        return List.of(run(model("as-resnet20-16x3", "demo model", 1, 95_000), ALL, 0.31),
                run(model("shiftresnet20-16x3", "-", 1, 93_000), ALL, 0.26),
                run(model("dwresnet20-16x3", "-", 1, 100_000), ALL, 0.25),
                run(model("mobilenetv2-cifar", "-", 1, 2_240_000), ALL, 1.3));
    }

    @Test
    void latencyVsParamsIsPerImageWithFullNamesAndFamilyHues() throws Exception {
        XYChart chart = LatencyCharts.latencyVsParams(smallSuite(ALL), ALL);
        assertTrue(chart.getTitle().startsWith("Per-image latency"), chart.getTitle());
        assertTrue(chart.getTitle().contains("batches 1 and 64"), chart.getTitle());
        assertTrue(chart.getYAxisTitle().contains("ms / image"), chart.getYAxisTitle());
        assertTrue(chart.getXAxisTitle().contains("millions"), chart.getXAxisTitle());
        assertTrue(chart.getSeriesMap().containsKey("as-resnet20-16x6 (custom), batch 64"), chart.getSeriesMap().keySet().toString());
        assertTrue(chart.getSeriesMap().containsKey("mobilenetv2-cifar, batch 1"), chart.getSeriesMap().keySet().toString());
        // per image: the batch-64 point of a model sits near its batch-1 point
        XYSeries b64 = chart.getSeriesMap().get("dwresnet20-16x6, batch 64");
        assertEquals(0.5, b64.getYData()[0], 1e-9);
        Set<Color> colors = new HashSet<>();
        for (XYSeries s : chart.getSeriesMap().values()) {
            assertTrue(colors.add(s.getMarkerColor()), "repeated colour on " + s.getName());
            Color c = s.getMarkerColor();
            String n = s.getName();
            if (n.startsWith("as-resnet")) {
                assertTrue(c.getBlue() > c.getRed() && c.getBlue() > c.getGreen(), n + " not blue: " + c);
            } else if (n.startsWith("mobilenet")) {
                assertTrue(c.getRed() > c.getGreen() && c.getGreen() > c.getBlue(), n + " not orange: " + c);
            } else if (n.startsWith("shift")) {
                assertTrue(c.getGreen() > c.getRed() && c.getGreen() > c.getBlue(), n + " not green: " + c);
            } else if (n.startsWith("dwresnet")) {
                assertTrue(c.getBlue() > c.getGreen() && c.getRed() > c.getGreen(), n + " not purple: " + c);
            }
        }
        assertFalse(chart.getStyler().isYAxisLogarithmic(), "a 3x range reads better on a linear axis");
        assertLegendOutside(chart);
        save(chart, "small-latency-vs-params.png");
    }

    @Test
    void aWideRangeGetsALogAxisWithLabelsInsideDecades() throws Exception {
        List<Measurement> wide = List.of(run(model("as-resnet-w32", "custom", 1, 900_000), ALL, 0.5),
                run(model("mobilenetv2-1.0", "-", 1, 3_470_000), ALL, 60));
        XYChart chart = LatencyCharts.latencyVsParams(wide, ALL);
        assertTrue(chart.getStyler().isYAxisLogarithmic());
        assertFalse(chart.getStyler().isYAxisLogarithmicDecadeOnly());
        assertTrue(chart.getYAxisTitle().contains("log scale"));
        assertLegendOutside(chart);
    }

    @Test
    void demoChartIsLinearAndNamesTheDemoModel() throws Exception {
        XYChart chart = LatencyCharts.latencyVsParams(demo(), ALL);
        assertFalse(chart.getStyler().isYAxisLogarithmic());
        assertTrue(chart.getSeriesMap().containsKey("as-resnet20-16x3 (demo model)"), chart.getSeriesMap().keySet().toString());
        assertTrue(chart.getTitle().contains("batch 1)"), chart.getTitle());
        assertLegendOutside(chart);
        save(chart, "demo-latency-vs-params.png");
        CategoryChart byLevel = LatencyCharts.latencyByLevel(demo(), 1);
        assertFalse(byLevel.getTitle().contains("per optimization level"), byLevel.getTitle());
        assertTrue(byLevel.getTitle().contains("level all"), byLevel.getTitle());
        render(byLevel);
        save(byLevel, "demo-latency-by-level.png");
    }

    @Test
    void byLevelChartTitlesAndColoursTheLevels() throws Exception {
        CategoryChart chart = LatencyCharts.latencyByLevel(smallSuite(BASIC, ALL), 1);
        assertTrue(chart.getTitle().contains("per optimization level"), chart.getTitle());
        assertTrue(chart.getYAxisTitle().contains("ms / image"), chart.getYAxisTitle());
        assertLegendOutside(chart);
        Set<Color> colors = new HashSet<>();
        for (CategorySeries s : chart.getSeriesMap().values()) {
            assertTrue(colors.add(s.getFillColor()), "repeated colour on " + s.getName());
        }
        save(chart, "small-latency-by-level.png");
    }

    @Test
    void writeDrawsBothCharts(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        List<Path> files = LatencyCharts.write(dir, "small", smallSuite(BASIC, ALL));
        assertEquals(2, files.size());
        for (Path f : files) {
            assertTrue(Files.size(f) > 1000, f.toString());
        }
    }

    /** Renders the chart, then checks the legend is placed outside and its box misses the plot area. */
    static void assertLegendOutside(Chart<?, ?> chart) throws Exception {
        Styler.LegendPosition p = chart.getStyler().getLegendPosition();
        assertTrue(p == Styler.LegendPosition.OutsideE || p == Styler.LegendPosition.OutsideS, "legend at " + p);
        render(chart);
        if (!chart.getStyler().isLegendVisible()) {
            return;
        }
        // XChart keeps the legend's size in its bounds (placed while painting): put it where the
        // position puts it, and check that box misses the plot area.
        Rectangle2D size = bounds(chart, "legend");
        Rectangle2D plot = bounds(chart, "plot");
        assertTrue(size.getWidth() > 0 && plot.getWidth() > 0, size + " " + plot);
        double pad = chart.getStyler().getChartPadding();
        Rectangle2D legend = p == Styler.LegendPosition.OutsideE
                ? new Rectangle2D.Double(chart.getWidth() - pad - size.getWidth(), plot.getY(), size.getWidth(), size.getHeight())
                : new Rectangle2D.Double(plot.getX(), chart.getHeight() - pad - size.getHeight(), size.getWidth(), size.getHeight());
        assertFalse(legend.intersects(plot), "legend " + legend + " overlaps plot " + plot);
        assertTrue(legend.getMinX() >= 0 && legend.getMinY() >= 0, "legend cut off: " + legend);
    }

    static BufferedImage render(Chart<?, ?> chart) {
        return BitmapEncoder.getBufferedImage(chart);
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
