package dev.asnet.cli;

import dev.asnet.exporter.io.AtomicFiles;
import dev.asnet.training.trainer.EpochMetrics;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
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
        save(lossChart(history), dir.resolve("loss.png"));
        save(accuracyChart(history), dir.resolve("accuracy.png"));
    }

    /** Train and test colours (blue and orange, told apart by colour-blind readers too). */
    static final Color TRAIN = new Color(0x0072B2);
    static final Color TEST = new Color(0xD55E00);

    static XYChart lossChart(List<EpochMetrics> history) {
        double[] train = history.stream().mapToDouble(EpochMetrics::trainLoss).toArray();
        double[] test = history.stream().mapToDouble(EpochMetrics::testLoss).toArray();
        XYChart chart = curveChart("Loss per epoch", "loss (cross-entropy, nats)", history, train, test);
        double max = Math.max(Arrays.stream(train).max().orElse(1), Arrays.stream(test).max().orElse(1));
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setYAxisMax(Double.isFinite(max) && max > 0 ? niceCeiling(max * 1.05) : 1.0);
        return chart;
    }

    static XYChart accuracyChart(List<EpochMetrics> history) {
        double[] train = history.stream().mapToDouble(m -> 100 * m.trainAccuracy()).toArray();
        double[] test = history.stream().mapToDouble(m -> 100 * m.testAccuracy()).toArray();
        XYChart chart = curveChart("Accuracy per epoch", "accuracy (%)", history, train, test);
        // From a multiple of 5 below the lowest point up to 100: a run's last epochs (where the
        // curves differ by tenths of a point) stay readable instead of squeezed near the top.
        double low = Math.min(Arrays.stream(train).min().orElse(0), Arrays.stream(test).min().orElse(0));
        chart.getStyler().setYAxisMin(Double.isFinite(low) ? Math.max(0.0, 5 * Math.floor((low - 1) / 5)) : 0.0);
        chart.getStyler().setYAxisMax(100.0);
        return chart;
    }

    private static XYChart curveChart(String title, String yTitle, List<EpochMetrics> history, double[] train, double[] test) {
        double[] epochs = history.stream().mapToDouble(EpochMetrics::epoch).toArray();
        XYChart chart = new XYChartBuilder().width(800).height(500).title(title).xAxisTitle("epoch").yAxisTitle(yTitle).build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setMarkerSize(8);
        chart.getStyler().setxAxisTickLabelsFormattingFunction(x -> x == Math.rint(x) ? String.valueOf((long) x.doubleValue()) : "");
        if (epochs.length < 2) {
            // XChart cannot range an axis over one value: one epoch of margin each side.
            double only = epochs.length == 0 ? 1 : epochs[0];
            chart.getStyler().setXAxisMin(only - 1);
            chart.getStyler().setXAxisMax(only + 1);
        }
        XYSeries a = chart.addSeries("train", epochs, train);
        a.setMarker(SeriesMarkers.CIRCLE);
        a.setMarkerColor(TRAIN);
        a.setLineColor(TRAIN);
        XYSeries b = chart.addSeries("test", epochs, test);
        b.setMarker(SeriesMarkers.DIAMOND);
        b.setMarkerColor(TEST);
        b.setLineColor(TEST);
        return chart;
    }

    /** A round number (1, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 times a power of ten) at least {@code v}. */
    static double niceCeiling(double v) {
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10}) {
            if (m * p >= v) {
                return m * p;
            }
        }
        return 10 * p;
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
            save(shiftChart(e.getKey(), e.getValue()), dir.resolve("shifts-" + e.getKey().replaceAll("[^A-Za-z0-9._-]", "_") + ".png"));
        }
    }

    /**
     * A layer's name for a title: the parameter name without its trailing {@code shift} parts
     * ({@code stage1.block0.shift.shift} is {@code stage1.block0}).
     */
    static String layerName(String parameter) {
        String n = parameter.replaceAll("^(model|net|module)\\.", "");
        String shorter = n.replaceAll("([._/](shift|shifts|theta|weight))+$", "");
        return shorter.isEmpty() ? n : shorter;
    }

    /** Square chart (equal axis ranges on a square plot) of a [C, 2] shift tensor. */
    static XYChart shiftChart(String parameter, float[] s) {
        int channels = s.length / 2;
        double[] x = new double[channels];
        double[] y = new double[channels];
        double extent = 0;
        for (int c = 0; c < channels; c++) {
            x[c] = s[2 * c];
            y[c] = s[2 * c + 1];
            extent = Math.max(extent, Math.max(Math.abs(x[c]), Math.abs(y[c])));
        }
        double limit = Double.isFinite(extent) && extent > 0 ? niceCeiling(extent * 1.05) : 1.0;
        // Axis titles, tick labels and padding take about 65 px across and 86 px down (title
        // included): a 565x586 chart leaves a square 500x500 plot, so both axes have the same scale.
        XYChart chart = new XYChartBuilder().width(SHIFT_WIDTH).height(SHIFT_HEIGHT)
                .title("Learned shifts: " + layerName(parameter) + " (" + channels + " channels)")
                .xAxisTitle("x shift (pixels, along W)").yAxisTitle("y shift (pixels, along H)").build();
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        chart.getStyler().setLegendVisible(false);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setMarkerSize(channels > 100 ? 6 : 8);
        chart.getStyler().setXAxisMin(-limit).setXAxisMax(limit).setYAxisMin(-limit).setYAxisMax(limit);
        chart.addSeries("channels", x, y).setMarker(SeriesMarkers.CIRCLE).setMarkerColor(new Color(0, 0x72, 0xB2, 160));
        return chart;
    }

    static final int SHIFT_WIDTH = 565;
    static final int SHIFT_HEIGHT = 586;

    private static void save(XYChart chart, Path file) throws IOException {
        AtomicFiles.write(file, BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG));
    }
}
