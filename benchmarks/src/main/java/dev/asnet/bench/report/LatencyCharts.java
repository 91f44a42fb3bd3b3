package dev.asnet.bench.report;

import dev.asnet.bench.latency.BenchConfig;
import dev.asnet.bench.latency.BenchModel;
import dev.asnet.bench.latency.Measurement;
import dev.asnet.exporter.io.AtomicFiles;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.Marker;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * PNG charts of latency measurements (XChart, rendered headless). Latencies are per image (median
 * ms of a run divided by its batch), so batch-1 and batch-64 runs share one axis; legends sit
 * outside the plot; each model family keeps one hue (AS-ResNet blues, MobileNetV2 oranges,
 * ShiftNet/ShiftResNet greens, DW-ResNet purples, anything else reds).
 */
final class LatencyCharts {
    private LatencyCharts() {}

    /** Above this max/min ratio the latency axis is logarithmic (with labelled ticks inside decades). */
    static final double LOG_AXIS_RATIO = 10;

    /** Writes latency-vs-params and latency-per-level charts; returns the files written. */
    static List<Path> write(Path dir, String stem, List<Measurement> results) throws IOException {
        System.setProperty("java.awt.headless", "true");
        List<Path> written = new ArrayList<>();
        List<Measurement> ok = results.stream().filter(Measurement::ok).toList();
        if (ok.isEmpty()) {
            return written;
        }
        BenchConfig reference = referenceConfig(ok);
        written.add(save(latencyVsParams(ok, reference), dir.resolve(stem + "-latency-vs-params.png")));
        written.add(save(latencyByLevel(ok, reference.threads()), dir.resolve(stem + "-latency-by-level.png")));
        return written;
    }

    /** One thread at the highest optimization level measured, else the first configuration. */
    static BenchConfig referenceConfig(List<Measurement> ok) {
        BenchConfig best = ok.get(0).config();
        for (Measurement m : ok) {
            BenchConfig c = m.config();
            boolean better = c.threads() < best.threads()
                    || (c.threads() == best.threads() && c.level().ordinal() > best.level().ordinal());
            if (better && !c.gpu()) {
                best = c;
            }
        }
        return best;
    }

    /** The batch of a model's input. */
    static long batch(BenchModel model) {
        return model.inputShape().length > 0 && model.inputShape()[0] > 0 ? model.inputShape()[0] : 1;
    }

    /** Median latency per image in ms. */
    static double perImageMs(Measurement m) {
        return m.medianMs() / batch(m.model());
    }

    /** One scatter series per model (full name, lowering and batch), per-image latency against size. */
    static XYChart latencyVsParams(List<Measurement> ok, BenchConfig config) {
        List<Measurement> shown = ok.stream().filter(m -> m.config().equals(config)).toList();
        Set<Long> batches = new LinkedHashSet<>();
        shown.forEach(m -> batches.add(batch(m.model())));
        XYChart chart = new XYChartBuilder().width(1100).height(600)
                .title("Per-image latency vs parameters (" + describe(config) + ", " + batchText(batches) + ")")
                .xAxisTitle("parameters (millions)").build();
        xyStyle(chart);
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        chart.getStyler().setMarkerSize(11);
        Map<String, List<double[]>> series = new LinkedHashMap<>();
        Map<String, Long> seriesBatch = new LinkedHashMap<>();
        Map<String, String> seriesFamily = new LinkedHashMap<>();
        double min = Double.POSITIVE_INFINITY;
        double max = 0;
        for (Measurement m : shown) {
            String key = seriesName(m.model(), batches.size() > 1);
            double y = perImageMs(m);
            min = Math.min(min, y);
            max = Math.max(max, y);
            series.computeIfAbsent(key, k -> new ArrayList<>()).add(new double[] {m.model().params() / 1e6, y});
            seriesBatch.put(key, batch(m.model()));
            seriesFamily.put(key, m.model().family() + " " + m.model().name());
        }
        boolean log = max / min > LOG_AXIS_RATIO;
        chart.setYAxisTitle("median latency per image (ms / image" + (log ? ", log scale" : "") + ")");
        if (log) {
            chart.getStyler().setYAxisLogarithmic(true);
            chart.getStyler().setYAxisLogarithmicDecadeOnly(false);  // 1, 2, 5, 10, 20, ... not one lone "1"
        } else {
            chart.getStyler().setYAxisMin(0.0);
            chart.getStyler().setYAxisMax(max * 1.1);
        }
        chart.getStyler().setXAxisMin(0.0);
        List<Color> colors = familyColors(new ArrayList<>(seriesFamily.values()));
        List<Long> batchOrder = new ArrayList<>(batches);
        int i = 0;
        for (Map.Entry<String, List<double[]>> e : series.entrySet()) {
            double[] x = e.getValue().stream().mapToDouble(p -> p[0]).toArray();
            double[] y = e.getValue().stream().mapToDouble(p -> p[1]).toArray();
            XYSeries s = chart.addSeries(e.getKey(), x, y);
            s.setMarker(MARKERS[batchOrder.indexOf(seriesBatch.get(e.getKey())) % MARKERS.length]);
            s.setMarkerColor(colors.get(i++));
        }
        return chart;
    }

    /** Bars of per-image latency per model, one series per optimization level measured. */
    static CategoryChart latencyByLevel(List<Measurement> ok, int threads) {
        Set<String> models = new LinkedHashSet<>();
        Map<String, Map<String, Double>> byLevel = new LinkedHashMap<>();
        for (Measurement m : ok) {
            if (m.config().threads() != threads || m.config().gpu()) {
                continue;
            }
            models.add(m.model().name());
            byLevel.computeIfAbsent(m.config().level().id(), k -> new LinkedHashMap<>())
                    .put(m.model().name(), perImageMs(m));
        }
        String threadText = threads + " thread" + (threads == 1 ? "" : "s");
        String title = byLevel.size() == 1
                ? "Per-image latency per model (" + threadText + ", optimization level " + byLevel.keySet().iterator().next() + ")"
                : "Per-image latency per optimization level (" + threadText + ")";
        CategoryChart chart = new CategoryChartBuilder().width(1200).height(650).title(title)
                .xAxisTitle("model (name/lowering/batch)").yAxisTitle("median latency per image (ms / image)").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setLegendVisible(byLevel.size() > 1);  // one level: the title names it
        chart.getStyler().setXAxisLabelRotation(30);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setSeriesColors(LEVEL_COLORS);
        List<String> names = new ArrayList<>(models);
        byLevel.forEach((level, values) -> {
            List<Double> y = new ArrayList<>();
            for (String n : names) {
                y.add(values.getOrDefault(n, 0.0));
            }
            chart.addSeries("level " + level, names, y);
        });
        return chart;
    }

    private static void xyStyle(XYChart chart) {
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
    }

    private static String describe(BenchConfig c) {
        return c.threads() + " thread" + (c.threads() == 1 ? "" : "s") + ", level " + c.level().id() + ", " + c.device();
    }

    private static String batchText(Set<Long> batches) {
        List<String> b = batches.stream().map(String::valueOf).toList();
        return (b.size() == 1 ? "batch " : "batches ") + String.join(" and ", b);
    }

    /** The legend name of a model: its full family (size included), lowering, and batch where batches differ. */
    static String seriesName(BenchModel model, boolean showBatch) {
        long batch = batch(model);
        String variant = model.variant().replaceAll("\\s*\\bb" + batch + "$", "").trim();
        String name = model.family();
        if (!variant.isEmpty() && !variant.equals("-")) {
            name += " (" + variant + ")";
        }
        return showBatch ? name + ", batch " + batch : name;
    }

    static final Marker[] MARKERS = {SeriesMarkers.CIRCLE, SeriesMarkers.SQUARE, SeriesMarkers.DIAMOND,
        SeriesMarkers.TRIANGLE_UP, SeriesMarkers.TRIANGLE_DOWN};

    /** Distinct colours for the levels (Okabe-Ito, readable by colour-blind readers). */
    static final Color[] LEVEL_COLORS = {new Color(0x0072B2), new Color(0xE69F00), new Color(0x009E73),
        new Color(0xCC79A7), new Color(0xD55E00), new Color(0x56B4E9)};

    /** Hue family of a model: index into {@link #HUES}. */
    static int hue(String familyText) {
        String f = familyText.toLowerCase(Locale.ROOT);
        if (f.contains("as-resnet") || f.contains("asresnet")) {
            return 0;
        }
        if (f.contains("mobilenet")) {
            return 1;
        }
        if (f.contains("shift")) {
            return 2;
        }
        if (f.contains("dwresnet") || f.contains("dw-resnet")) {
            return 3;
        }
        return 4;
    }

    /** Dark and light end of each hue family: blues, oranges, greens, purples, reds. */
    static final Color[][] HUES = {
        {new Color(0x08306B), new Color(0x6BAED6)},
        {new Color(0x8C2D04), new Color(0xFDAE6B)},
        {new Color(0x00441B), new Color(0x74C476)},
        {new Color(0x3F007D), new Color(0x8C6BB1)},
        {new Color(0x67000D), new Color(0xFC9272)},
    };

    /**
     * One colour per series: the series' hue family, in shades from dark to light among the
     * series of that family (a family alone gets its middle shade).
     *
     * @param families text naming each series' model (family and name), in series order
     * @return the colours, distinct within a family
     */
    static List<Color> familyColors(List<String> families) {
        int[] count = new int[HUES.length];
        for (String f : families) {
            count[hue(f)]++;
        }
        int[] seen = new int[HUES.length];
        List<Color> colors = new ArrayList<>();
        for (String f : families) {
            int h = hue(f);
            double t = count[h] == 1 ? 0.5 : (double) seen[h]++ / (count[h] - 1);
            Color a = HUES[h][0];
            Color b = HUES[h][1];
            colors.add(new Color((int) Math.round(a.getRed() + t * (b.getRed() - a.getRed())),
                    (int) Math.round(a.getGreen() + t * (b.getGreen() - a.getGreen())),
                    (int) Math.round(a.getBlue() + t * (b.getBlue() - a.getBlue()))));
        }
        return colors;
    }

    private static Path save(org.knowm.xchart.internal.chartpart.Chart<?, ?> chart, Path target) throws IOException {
        AtomicFiles.write(target, BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG));
        return target;
    }
}
