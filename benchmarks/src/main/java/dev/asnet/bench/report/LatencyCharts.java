package dev.asnet.bench.report;

import dev.asnet.bench.latency.BenchConfig;
import dev.asnet.bench.latency.Measurement;
import dev.asnet.exporter.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** PNG charts of latency measurements (XChart, rendered headless). */
final class LatencyCharts {
    private LatencyCharts() {}

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
    private static BenchConfig referenceConfig(List<Measurement> ok) {
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

    private static XYChart latencyVsParams(List<Measurement> ok, BenchConfig config) {
        XYChart chart = new XYChartBuilder().width(900).height(600)
                .title("Latency vs parameters (" + config.label() + ")").xAxisTitle("parameters (M)")
                .yAxisTitle("median latency (ms, log scale)").build();
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        chart.getStyler().setMarkerSize(10);
        chart.getStyler().setYAxisLogarithmic(true);  // batch-1 and batch-64 latencies differ by 100x
        Map<String, List<double[]>> series = new LinkedHashMap<>();
        for (Measurement m : ok) {
            if (!m.config().equals(config)) {
                continue;
            }
            String kind = m.model().family().replaceAll("-[^-]*$", "");
            String key = m.model().variant().equals("-") ? kind : kind + " (" + m.model().variant() + ")";
            series.computeIfAbsent(key, k -> new ArrayList<>()).add(new double[] {m.model().params() / 1e6, m.medianMs()});
        }
        series.forEach((k, pts) -> {
            double[] x = pts.stream().mapToDouble(p -> p[0]).toArray();
            double[] y = pts.stream().mapToDouble(p -> p[1]).toArray();
            chart.addSeries(k, x, y).setMarker(SeriesMarkers.CIRCLE);
        });
        return chart;
    }

    private static CategoryChart latencyByLevel(List<Measurement> ok, int threads) {
        CategoryChart chart = new CategoryChartBuilder().width(1200).height(600)
                .title("Median latency per optimization level (" + threads + " thread" + (threads == 1 ? "" : "s") + ")")
                .xAxisTitle("model").yAxisTitle("median latency (ms)").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        chart.getStyler().setXAxisLabelRotation(45);
        Set<String> models = new LinkedHashSet<>();
        Map<String, Map<String, Double>> byLevel = new LinkedHashMap<>();
        for (Measurement m : ok) {
            if (m.config().threads() != threads || m.config().gpu()) {
                continue;
            }
            models.add(m.model().name());
            byLevel.computeIfAbsent(m.config().level().id(), k -> new LinkedHashMap<>())
                    .put(m.model().name(), m.medianMs());
        }
        List<String> names = new ArrayList<>(models);
        byLevel.forEach((level, values) -> {
            List<Double> y = new ArrayList<>();
            for (String n : names) {
                y.add(values.getOrDefault(n, 0.0));
            }
            chart.addSeries(level, names, y);
        });
        return chart;
    }

    private static Path save(org.knowm.xchart.internal.chartpart.Chart<?, ?> chart, Path target) throws IOException {
        AtomicFiles.write(target, BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG));
        return target;
    }
}
