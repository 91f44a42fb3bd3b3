package dev.asnet.bench.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.asnet.bench.MachineInfo;
import dev.asnet.bench.latency.BenchConfig;
import dev.asnet.bench.latency.Measurement;
import dev.asnet.bench.latency.OpProfiler;
import dev.asnet.exporter.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Writes a benchmark's results: {@code <name>.md} (tables in the style of the paper's), {@code
 * <name>.json} (every statistic and the machine) and PNG charts. Files are written atomically.
 */
public final class BenchReport {
    /**
     * Samples below which a p90 is flagged as unreliable: with fewer than ten, the nearest-rank
     * 90th percentile is simply the slowest run, one outlier.
     */
    public static final int RELIABLE_P90_SAMPLES = 10;

    private final String name;
    private final String title;
    private final Map<String, Object> machine;
    private final List<Measurement> results;
    private final List<Comparison> comparisons;
    private final Map<String, Published> published;
    private final List<OpProfiler.Profile> profiles;

    /**
     * @param name file name stem, e.g. {@code paper}
     * @param title report heading
     * @param machine what the benchmark ran on
     * @param results all measurements
     * @param comparisons latency ratios to compute (may be empty)
     * @param published published figures per family (may be empty)
     * @param profiles operator profiles (may be empty)
     */
    public BenchReport(String name, String title, Map<String, Object> machine, List<Measurement> results,
            List<Comparison> comparisons, Map<String, Published> published, List<OpProfiler.Profile> profiles) {
        this.name = name;
        this.title = title;
        this.machine = machine;
        this.results = List.copyOf(results);
        this.comparisons = List.copyOf(comparisons);
        this.published = Map.copyOf(published);
        this.profiles = List.copyOf(profiles);
    }

    /**
     * Writes every file into a folder (created if needed).
     *
     * @param dir the output folder
     * @return the files written
     * @throws IOException if a file cannot be written
     */
    public List<Path> write(Path dir) throws IOException {
        Files.createDirectories(dir);
        List<Path> written = new ArrayList<>();
        Path md = dir.resolve(name + ".md");
        AtomicFiles.writeString(md, markdown());
        written.add(md);
        Path json = dir.resolve(name + ".json");
        AtomicFiles.writeString(json, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(json()));
        written.add(json);
        written.addAll(LatencyCharts.write(dir, name, results));
        return written;
    }

    /** The Markdown report. */
    public String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("# ").append(title).append("\n\n");
        md.append("Machine: ").append(MachineInfo.summary(machine)).append("\n\n");
        boolean fewSamples = false;
        for (BenchConfig config : configs()) {
            md.append("## ").append(config.label()).append("\n\n");
            md.append("| model | variant | params (M) | MACs (M) | median ms | p90 ms | runs |");
            if (!published.isEmpty()) {
                md.append(" published top-1 % | published CPU ms |");
            }
            md.append("\n|---|---|---|---|---|---|---|").append(published.isEmpty() ? "" : "---|---|").append('\n');
            for (Measurement m : results) {
                if (!m.config().equals(config)) {
                    continue;
                }
                md.append(String.format(Locale.ROOT, "| %s | %s | %.3f | %.1f | %s | %s | %d |", m.model().family(),
                        m.model().variant(), m.model().params() / 1e6, m.model().macs() / 1e6,
                        m.ok() ? fmt(m.medianMs()) : "failed",
                        m.ok() ? fmt(m.p90Ms()) + (reliableP90(m) ? "" : "*") : "-", m.samplesMs().length));
                fewSamples |= m.ok() && !reliableP90(m);
                if (!published.isEmpty()) {
                    Published p = published.get(m.model().family());
                    md.append(' ').append(p == null ? "-" : num(p.top1())).append(" | ")
                            .append(p == null ? "-" : num(p.cpuMs())).append(" |");
                }
                md.append('\n');
            }
            List<String> failures = new ArrayList<>();
            for (Measurement m : results) {
                if (m.config().equals(config) && !m.ok()) {
                    failures.add("- " + m.model().name() + ": " + m.error());
                }
            }
            if (!failures.isEmpty()) {
                md.append("\nFailed:\n").append(String.join("\n", failures)).append('\n');
            }
            md.append('\n');
            if (fewSamples) {
                md.append("\\* p90 of fewer than ").append(RELIABLE_P90_SAMPLES)
                        .append(" runs: not reliable (more --rounds give more runs).\n\n");
                fewSamples = false;
            }
            if (!comparisons.isEmpty()) {
                md.append("| ratio | variant | measured | published |\n|---|---|---|---|\n");
                for (Comparison c : comparisons) {
                    for (String variant : variantsOf(c.numerator(), config)) {
                        Measurement a = find(c.numerator(), variant, config, -1);
                        Measurement b = a == null ? null : find(c.denominator(), null, config, a.model().inputShape()[0]);
                        String measured = a != null && b != null && a.ok() && b.ok()
                                ? String.format(Locale.ROOT, "%.2f", a.medianMs() / b.medianMs()) : "-";
                        md.append("| ").append(c.numerator()).append(" / ").append(c.denominator()).append(" | ")
                                .append(variant).append(" | ").append(measured).append(" | ")
                                .append(num(c.publishedRatio())).append(" |\n");
                    }
                }
                md.append('\n');
            }
        }
        if (!published.isEmpty()) {
            md.append("Published figures are the paper's (Caffe, i7-5930K, one thread, batch 1), shown for reference; "
                    + "accuracy is not measured here.\n\n");
        }
        for (OpProfiler.Profile p : profiles) {
            md.append("### Where the time goes: ").append(p.model()).append(" (").append(p.config().label())
                    .append(", ONNX Runtime profiler, mean of ").append(p.runs()).append(" runs)\n\n")
                    .append("| op type | nodes | ms per run | share |\n|---|---|---|---|\n");
            double total = p.totalMicros();
            p.microsPerRun().forEach((op, us) -> md.append(String.format(Locale.ROOT, "| %s | %d | %.3f | %.1f%% |%n",
                    op, p.nodesPerRun().get(op), us / 1000.0, 100.0 * us / total)));
            md.append(String.format(Locale.ROOT, "| total kernel time | | %.3f | |%n%n", total / 1000.0));
        }
        return md.toString();
    }

    /**
     * Whether a measurement has enough runs for its p90 to mean something.
     *
     * @param m a measurement
     * @return true with at least {@link #RELIABLE_P90_SAMPLES} runs
     */
    public static boolean reliableP90(Measurement m) {
        return m.samplesMs().length >= RELIABLE_P90_SAMPLES;
    }

    /**
     * The report as a JSON-ready tree (maps, lists, strings and numbers), as written to {@code
     * <name>.json} and printed by {@code asnet bench --json}: {@code title}, {@code machine},
     * {@code results} (one entry per model and configuration), {@code ratios}, {@code
     * publishedFigures} and {@code profiles}. Non-finite numbers are null.
     *
     * @return the tree
     */
    public Map<String, Object> json() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("title", title);
        root.put("machine", machine);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Measurement m : results) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("model", m.model().name());
            r.put("family", m.model().family());
            r.put("variant", m.model().variant());
            r.put("inputShape", m.model().inputShape());
            r.put("params", m.model().params());
            r.put("macs", m.model().macs());
            r.put("threads", m.config().threads());
            r.put("level", m.config().level().id());
            r.put("device", m.config().device().toString());
            r.put("config", m.config().label());
            r.put("ok", m.ok());
            if (m.ok()) {
                r.put("medianMs", m.medianMs());
                r.put("p90Ms", m.p90Ms());
                r.put("p90Reliable", reliableP90(m));
                r.put("minMs", m.minMs());
                r.put("runs", m.samplesMs().length);
                r.put("samplesMs", m.samplesMs());
            } else {
                r.put("error", m.error());
            }
            rows.add(r);
        }
        root.put("results", rows);
        List<Map<String, Object>> ratios = new ArrayList<>();
        for (BenchConfig config : configs()) {
            for (Comparison c : comparisons) {
                for (String variant : variantsOf(c.numerator(), config)) {
                    Measurement a = find(c.numerator(), variant, config, -1);
                    Measurement b = a == null ? null : find(c.denominator(), null, config, a.model().inputShape()[0]);
                    if (a != null && b != null && a.ok() && b.ok()) {
                        Map<String, Object> r = new LinkedHashMap<>();
                        r.put("config", config.label());
                        r.put("numerator", a.model().name());
                        r.put("denominator", b.model().name());
                        r.put("measured", a.medianMs() / b.medianMs());
                        r.put("published", Double.isNaN(c.publishedRatio()) ? null : c.publishedRatio());
                        ratios.add(r);
                    }
                }
            }
        }
        root.put("ratios", ratios);
        Map<String, Object> pub = new LinkedHashMap<>();
        published.forEach((k, v) -> pub.put(k, v));
        root.put("publishedFigures", pub);
        List<Map<String, Object>> prof = new ArrayList<>();
        for (OpProfiler.Profile p : profiles) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("model", p.model());
            r.put("config", p.config().label());
            r.put("runs", p.runs());
            r.put("microsPerRun", p.microsPerRun());
            r.put("nodesPerRun", p.nodesPerRun());
            prof.add(r);
        }
        root.put("profiles", prof);
        return root;
    }

    private Set<BenchConfig> configs() {
        Set<BenchConfig> s = new LinkedHashSet<>();
        results.forEach(m -> s.add(m.config()));
        return s;
    }

    private List<String> variantsOf(String family, BenchConfig config) {
        List<String> v = new ArrayList<>();
        for (Measurement m : results) {
            if (m.config().equals(config) && m.model().family().equals(family)) {
                v.add(m.model().variant());
            }
        }
        return v;
    }

    /** The measurement of a family (and variant, or the fastest if null) at a batch size (-1: any). */
    private Measurement find(String family, String variant, BenchConfig config, long batch) {
        Measurement best = null;
        for (Measurement m : results) {
            if (m.config().equals(config) && m.model().family().equals(family)
                    && (variant == null || m.model().variant().equals(variant))
                    && (batch < 0 || m.model().inputShape()[0] == batch)) {
                // Without a variant, take the fastest one that ran.
                if (best == null || (m.ok() && (!best.ok() || m.medianMs() < best.medianMs()))) {
                    best = m;
                }
            }
        }
        return best;
    }

    private static String fmt(double ms) {
        return String.format(Locale.ROOT, "%.3f", ms);
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.2f", v);
    }
}
