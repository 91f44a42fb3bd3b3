package dev.asnet.bench;

import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import dev.asnet.bench.latency.BenchConfig;
import dev.asnet.bench.latency.BenchModel;
import dev.asnet.bench.latency.LatencyRunner;
import dev.asnet.bench.latency.Measurement;
import dev.asnet.bench.latency.OpProfiler;
import dev.asnet.bench.report.BenchReport;
import dev.asnet.bench.suite.Suites;
import dev.asnet.exporter.export.AslLowering;
import dev.asnet.runtime.RuntimeOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code asnet bench}: latency of the zoo on ONNX Runtime, interleaved, with Markdown/JSON/PNG
 * reports. {@code --suite paper} reproduces the paper's latency table, {@code --suite small} times
 * the 28x28 models, {@code --suite ops} times the ASL op against Relu, depthwise conv and the
 * portable GridSample form on the shapes AS-ResNet runs.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measures latency of the model zoo (or of the ASL op) on ONNX Runtime.",
            "Models run interleaved after warm-up; reports give median and p90 per model and configuration."})
public final class BenchCommand implements Callable<Integer> {
    @Option(names = "--suite", defaultValue = "paper", description = "paper, small or ops (default: ${DEFAULT-VALUE})")
    String suite;

    @Option(names = "--threads", split = ",", description = "intra-op thread counts (default: 1 and all cores)")
    List<Integer> threads;

    @Option(names = "--levels", split = ",", defaultValue = "BASIC,EXTENDED,ALL",
            description = "graph optimization levels among BASIC, EXTENDED, LAYOUT, ALL (default: ${DEFAULT-VALUE})")
    List<String> levels;

    @Option(names = "--lowerings", split = ",", defaultValue = "custom,portable,depthwise",
            description = "ASL lowerings for the AS-ResNet models (default: ${DEFAULT-VALUE})")
    List<String> lowerings;

    @Option(names = "--rounds", defaultValue = "10", description = "interleaved rounds (default: ${DEFAULT-VALUE})")
    int rounds;

    @Option(names = "--warmup-ms", defaultValue = "300", description = "warm-up per model and configuration (default: ${DEFAULT-VALUE})")
    long warmupMs;

    @Option(names = "--models", split = ",", description = "only models whose name contains one of these")
    List<String> filters;

    @Option(names = "--gpu", description = "run on the CUDA execution provider (needs the GPU build of ONNX Runtime)")
    boolean gpu;

    @Option(names = "--no-profile", negatable = true, defaultValue = "true",
            description = "profile AS-ResNet and MobileNetV2 with ONNX Runtime's profiler (default: on)")
    boolean profile;

    @Option(names = {"-o", "--out"}, defaultValue = "bench-out", description = "report folder (default: ${DEFAULT-VALUE})")
    Path out;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Standalone entry point (the {@code asnet} CLI also mounts this command). */
    public static void main(String[] args) {
        System.exit(new CommandLine(new BenchCommand()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        List<Integer> threadCounts = threads != null ? threads
                : Runtime.getRuntime().availableProcessors() > 1
                        ? List.of(1, Runtime.getRuntime().availableProcessors()) : List.of(1);
        List<OptLevel> optLevels = new ArrayList<>();
        List<AslLowering> asl = new ArrayList<>();
        Suites.Suite s;
        // Every option is checked, and the report folder made, before minutes of measuring start.
        try {
            for (int t : threadCounts) {
                RuntimeOptions.checkThreads("--threads", t, false);
            }
            if (rounds < 1) {
                throw new IllegalArgumentException("--rounds must be >= 1, got " + rounds);
            }
            if (warmupMs < 0) {
                throw new IllegalArgumentException("--warmup-ms must be >= 0, got " + warmupMs);
            }
            for (String l : levels) {
                optLevels.add(parseLevel(l));
            }
            for (String l : lowerings) {
                asl.add(AslLowering.parse(l));
            }
            s = suite.equals("ops") ? null : Suites.get(suite, asl);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        prepareOutputFolder(out);
        PrintWriter err = spec.commandLine().getErr();
        if (suite.equals("ops")) {
            List<String> args = new ArrayList<>(List.of("--out", out.toString(), "--rounds", Integer.toString(rounds),
                    "--shapes", OpBenchmark.AS_RESNET_SHAPES, "--portable"));
            args.add("--threads");
            args.add(String.join(",", threadCounts.stream().map(String::valueOf).toList()));
            args.add("--levels");
            args.add(String.join(",", optLevels.stream().map(OptLevel::name).toList()));
            return new CommandLine(new OpBenchmark()).execute(args.toArray(String[]::new));
        }
        List<BenchModel> models = new ArrayList<>();
        for (BenchModel m : s.models()) {
            if (filters == null || filters.stream().anyMatch(f -> m.name().contains(f))) {
                models.add(m);
            }
        }
        if (models.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "no model of suite '" + suite + "' matches --models " + filters);
        }
        List<BenchConfig> configs = new ArrayList<>();
        for (int t : threadCounts) {
            for (OptLevel l : optLevels) {
                configs.add(new BenchConfig(t, l, gpu));
            }
        }
        err.printf(Locale.ROOT, "bench %s: %d models x %d configurations, %d rounds%n", suite, models.size(), configs.size(), rounds);
        List<Measurement> results = LatencyRunner.builder().optRounds(rounds).optWarmupMs(warmupMs)
                .optProgress(line -> {
                    err.print("\r\033[K" + line);
                    err.flush();
                }).build().run(models, configs);
        err.println();
        List<OpProfiler.Profile> profiles = new ArrayList<>();
        if (profile && !gpu) {
            BenchConfig one = new BenchConfig(1, optLevels.get(optLevels.size() - 1), false);
            for (BenchModel m : models) {
                boolean wanted = m.name().equals("as-resnet-w32/custom") || m.name().equals("as-resnet-w32/depthwise")
                        || m.name().equals("mobilenetv2-0.5") || m.name().equals("as-resnet20-16x6/custom/b64")
                        || m.name().equals("dwresnet20-16x6/b64");
                if (wanted) {
                    err.print("\r\033[Kprofiling " + m.name());
                    try {
                        profiles.add(OpProfiler.profile(m, one, 10, out.resolve("profiles")));
                    } catch (Exception e) {
                        err.print("\r\033[Kprofiling " + m.name() + " failed: " + e.getMessage() + "\n");
                    }
                }
            }
            err.println();
        }
        BenchReport report = new BenchReport(s.name(), s.title(), MachineInfo.describe(), results, s.comparisons(),
                s.published(), profiles);
        List<Path> files = report.write(out);
        spec.commandLine().getOut().println(report.markdown());
        err.println("report: " + files.get(0).toAbsolutePath());
        long failed = results.stream().filter(m -> !m.ok()).count();
        if (failed > 0) {
            err.println(failed + " measurement(s) failed; see the report");
        }
        return 0;
    }

    /**
     * Creates the report folder and checks that it can be written, so that a wrong {@code -o}
     * fails at once rather than after the measurements.
     *
     * @param out the report folder
     * @throws IOException naming the folder if it is not a folder or not writable
     */
    static void prepareOutputFolder(Path out) throws IOException {
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new FileSystemException(out.toString(), null, "the report folder (-o) is a file, not a folder");
        }
        Files.createDirectories(out);
        if (!Files.isWritable(out)) {
            throw new AccessDeniedException(out.toString(), null, "the report folder (-o) is not writable");
        }
    }

    static OptLevel parseLevel(String text) {
        return switch (text.trim().toUpperCase(Locale.ROOT)) {
            case "NONE", "NO", "NO_OPT" -> OptLevel.NO_OPT;
            case "BASIC", "BASIC_OPT" -> OptLevel.BASIC_OPT;
            case "EXTENDED", "EXTENDED_OPT" -> OptLevel.EXTENDED_OPT;
            case "LAYOUT", "LAYOUT_OPT" -> OptLevel.LAYOUT_OPT;
            case "ALL", "ALL_OPT" -> OptLevel.ALL_OPT;
            default -> throw new IllegalArgumentException("unknown optimization level '" + text
                    + "'; use BASIC, EXTENDED, LAYOUT or ALL");
        };
    }
}
