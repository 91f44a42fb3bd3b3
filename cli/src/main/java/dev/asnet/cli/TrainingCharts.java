package dev.asnet.cli;

import dev.asnet.exporter.io.AtomicFiles;
import dev.asnet.training.trainer.EpochMetrics;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * PNG charts of a training run (drawn headless with XChart): loss and accuracy per epoch, and one scatter
 * of the learned (x, y) shifts per ASL layer.
 */
final class TrainingCharts {
    private TrainingCharts() {}

    /**
     * Writes {@code loss.png} and {@code accuracy.png}.
     *
     * @param dir the charts folder
     * @param history the epochs
     * @throws IOException if writing fails
     */
    static void curves(Path dir, List<EpochMetrics> history) throws IOException {
        double[] epochs = history.stream().mapToDouble(EpochMetrics::epoch).toArray();
        XYChart loss = new XYChartBuilder().width(800).height(500).title("Loss").xAxisTitle("epoch").yAxisTitle("loss").build();
        loss.addSeries("train", epochs, history.stream().mapToDouble(EpochMetrics::trainLoss).toArray());
        loss.addSeries("test", epochs, history.stream().mapToDouble(EpochMetrics::testLoss).toArray());
        save(loss, dir.resolve("loss.png"));
        XYChart acc = new XYChartBuilder().width(800).height(500).title("Accuracy").xAxisTitle("epoch")
                .yAxisTitle("accuracy (%)").build();
        acc.addSeries("train", epochs, history.stream().mapToDouble(m -> 100 * m.trainAccuracy()).toArray());
        acc.addSeries("test", epochs, history.stream().mapToDouble(m -> 100 * m.testAccuracy()).toArray());
        save(acc, dir.resolve("accuracy.png"));
    }

    /**
     * Writes one {@code shifts-<layer>.png} per shift parameter: a scatter of every channel's
     * (x, y) shift.
     *
     * @param dir the charts folder
     * @param shifts [C, 2] shift values by parameter name
     * @throws IOException if writing fails
     */
    static void shifts(Path dir, Map<String, float[]> shifts) throws IOException {
        for (Map.Entry<String, float[]> e : shifts.entrySet()) {
            float[] s = e.getValue();
            double[] x = new double[s.length / 2];
            double[] y = new double[s.length / 2];
            for (int c = 0; c < x.length; c++) {
                x[c] = s[2 * c];
                y[c] = s[2 * c + 1];
            }
            XYChart chart = new XYChartBuilder().width(500).height(500).title(e.getKey()).xAxisTitle("x shift (along W)")
                    .yAxisTitle("y shift (along H)").build();
            chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            chart.getStyler().setLegendVisible(false);
            chart.addSeries("channels", x, y).setMarker(SeriesMarkers.CIRCLE);
            save(chart, dir.resolve("shifts-" + e.getKey().replaceAll("[^A-Za-z0-9._-]", "_") + ".png"));
        }
    }

    private static void save(XYChart chart, Path file) throws IOException {
        AtomicFiles.write(file, BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG));
    }
}
