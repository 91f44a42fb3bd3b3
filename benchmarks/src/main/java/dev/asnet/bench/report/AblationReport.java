package dev.asnet.bench.report;

import dev.asnet.exporter.io.AtomicFiles;
import java.awt.Color;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Summarizes the ablation runs of {@code benchmarks/ablation/run.sh}: for each model, the final
 * test accuracy of every seed and their mean and sample standard deviation (a Markdown table), and
 * one chart of test accuracy per epoch for every run (one hue per model, one shade per seed,
 * legend outside the plot). Unfinished runs are listed with the epochs they have and left out of
 * the mean. Run by command:
 * {@code java -cp cli/target/asnet.jar dev.asnet.bench.report.AblationReport RUNS_DIR OUT_DIR [EPOCHS]}.
 */
public final class AblationReport {
    private static final Pattern RUN = Pattern.compile("(.+)-seed(\\d+)");

    private AblationReport() {}

    /**
     * One run's test accuracy per epoch.
     *
     * @param model the zoo model
     * @param seed the seed
     * @param testAccuracy test accuracy (fraction) of epochs 1, 2, ...
     */
    public record Run(String model, int seed, double[] testAccuracy) {
        /** @return the last epoch's test accuracy (fraction), NaN without epochs */
        public double finalAccuracy() {
            return testAccuracy.length == 0 ? Double.NaN : testAccuracy[testAccuracy.length - 1];
        }
    }

    /**
     * Writes {@code ablation.md} and {@code ablation-accuracy.png} into OUT_DIR.
     *
     * @param args RUNS_DIR OUT_DIR [EPOCHS (default 20)]
     * @throws IOException if a metrics file cannot be read or an output written
     */
    public static void main(String[] args) throws IOException {
        if (args.length < 2 || args.length > 3) {
            System.err.println("usage: AblationReport RUNS_DIR OUT_DIR [EPOCHS]");
            System.exit(2);
        }
        int epochs = args.length == 3 ? Integer.parseInt(args[2]) : 20;
        List<Run> runs = read(Path.of(args[0]));
        Path out = Path.of(args[1]);
        Files.createDirectories(out);
        String table = table(runs, epochs);
        AtomicFiles.write(out.resolve("ablation.md"), table.getBytes(StandardCharsets.UTF_8));
        System.setProperty("java.awt.headless", "true");
        byte[] png = BitmapEncoder.getBitmapBytes(chart(runs), BitmapEncoder.BitmapFormat.PNG);
        AtomicFiles.write(out.resolve("ablation-accuracy.png"), png);
        System.out.print(table);
    }

    /**
     * Reads every {@code MODEL-seedN/metrics.csv} under a folder.
     *
     * @param dir the runs folder
     * @return the runs, by model then seed
     * @throws IOException if a metrics file cannot be read or lacks the test_accuracy column
     */
    public static List<Run> read(Path dir) throws IOException {
        List<Run> runs = new ArrayList<>();
        try (Stream<Path> children = Files.list(dir)) {
            for (Path p : children.sorted().toList()) {
                Matcher m = RUN.matcher(p.getFileName().toString());
                Path csv = p.resolve("metrics.csv");
                if (!m.matches() || !Files.isRegularFile(csv)) {
                    continue;
                }
                runs.add(new Run(m.group(1), Integer.parseInt(m.group(2)), testAccuracy(csv)));
            }
        }
        runs.sort(Comparator.comparing(Run::model).thenComparingInt(Run::seed));
        return runs;
    }

    private static double[] testAccuracy(Path csv) throws IOException {
        List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        if (lines.isEmpty()) {
            return new double[0];
        }
        List<String> header = List.of(lines.get(0).split(","));
        int col = header.indexOf("test_accuracy");
        if (col < 0) {
            throw new IOException(csv + ": no test_accuracy column in its header " + header);
        }
        return lines.stream().skip(1).filter(l -> !l.isBlank()).mapToDouble(l -> Double.parseDouble(l.split(",")[col])).toArray();
    }

    /**
     * The Markdown table: per model, each seed's final test accuracy, and mean ± sample standard
     * deviation over the runs that reached {@code epochs}.
     *
     * @param runs the runs
     * @param epochs the epochs of a finished run
     * @return the table, with a line per unfinished run under it
     */
    public static String table(List<Run> runs, int epochs) {
        Map<String, List<Run>> byModel = new TreeMap<>();
        for (Run r : runs) {
            byModel.computeIfAbsent(r.model(), k -> new ArrayList<>()).add(r);
        }
        StringBuilder sb = new StringBuilder();
        sb.append("| model | runs | test accuracy, mean ± std | per seed |\n|---|---|---|---|\n");
        List<String> unfinished = new ArrayList<>();
        for (Map.Entry<String, List<Run>> e : byModel.entrySet()) {
            List<Double> done = new ArrayList<>();
            List<String> seeds = new ArrayList<>();
            for (Run r : e.getValue()) {
                if (r.testAccuracy().length >= epochs) {
                    done.add(100 * r.finalAccuracy());
                    seeds.add(String.format(Locale.ROOT, "%d: %.2f%%", r.seed(), 100 * r.finalAccuracy()));
                } else {
                    unfinished.add(String.format(Locale.ROOT, "%s seed %d: %d of %d epochs", r.model(), r.seed(),
                            r.testAccuracy().length, epochs));
                }
            }
            String summary = done.isEmpty() ? "-" : done.size() == 1
                    ? String.format(Locale.ROOT, "%.2f%% (one seed)", done.get(0))
                    : String.format(Locale.ROOT, "%.2f ± %.2f%%", mean(done), std(done));
            sb.append("| ").append(e.getKey()).append(" | ").append(done.size()).append(" | ").append(summary)
                    .append(" | ").append(seeds.isEmpty() ? "-" : String.join(", ", seeds)).append(" |\n");
        }
        for (String u : unfinished) {
            sb.append("\nUnfinished: ").append(u);
        }
        if (!unfinished.isEmpty()) {
            sb.append('\n');
        }
        return sb.toString();
    }

    static double mean(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    /** Sample standard deviation (n - 1); 0 for one value. */
    static double std(List<Double> v) {
        if (v.size() < 2) {
            return 0;
        }
        double m = mean(v);
        double s = 0;
        for (double x : v) {
            s += (x - m) * (x - m);
        }
        return Math.sqrt(s / (v.size() - 1));
    }

    /** One line per run; each model keeps one hue (blues, greens, purples), seeds are its shades. */
    static XYChart chart(List<Run> runs) {
        XYChart chart = new XYChartBuilder().width(900).height(520).title("Ablation: test accuracy per epoch")
                .xAxisTitle("epoch").yAxisTitle("test accuracy (%)").build();
        XYStyler s = chart.getStyler();
        s.setLegendPosition(Styler.LegendPosition.OutsideE);
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotGridLinesVisible(true);
        Map<String, Color[]> hues = new LinkedHashMap<>();
        hues.put("as-", new Color[] {new Color(0x08519C), new Color(0x3182BD), new Color(0x6BAED6)});
        hues.put("shift", new Color[] {new Color(0x006D2C), new Color(0x31A354), new Color(0x74C476)});
        hues.put("dw", new Color[] {new Color(0x54278F), new Color(0x756BB1), new Color(0x9E9AC8)});
        Color[] other = {new Color(0xA50F15), new Color(0xDE2D26), new Color(0xFB6A4A)};
        double min = 100;
        Map<String, Integer> shade = new LinkedHashMap<>();
        for (Run r : runs) {
            if (r.testAccuracy().length == 0) {
                continue;
            }
            double[] x = new double[r.testAccuracy().length];
            double[] y = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                x[i] = i + 1;
                y[i] = 100 * r.testAccuracy()[i];
                min = Math.min(min, y[i]);
            }
            Color[] family = hues.entrySet().stream().filter(h -> r.model().startsWith(h.getKey())).map(Map.Entry::getValue)
                    .findFirst().orElse(other);
            int k = shade.merge(r.model(), 1, Integer::sum) - 1;
            XYSeries series = chart.addSeries(r.model() + " seed " + r.seed(), x, y);
            series.setLineColor(family[k % family.length]);
            series.setMarkerColor(family[k % family.length]);
            series.setMarker(SeriesMarkers.CIRCLE);
        }
        s.setYAxisMin(Math.floor(min / 2) * 2);
        s.setYAxisMax(100.0);
        s.setXAxisDecimalPattern("0");
        return chart;
    }
}
