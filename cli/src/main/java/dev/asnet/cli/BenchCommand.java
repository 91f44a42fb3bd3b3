package dev.asnet.cli;

import dev.asnet.bench.MachineInfo;
import dev.asnet.bench.OpBenchmark;
import dev.asnet.bench.latency.BenchConfig;
import dev.asnet.bench.latency.BenchModel;
import dev.asnet.bench.latency.LatencyRunner;
import dev.asnet.bench.latency.Measurement;
import dev.asnet.bench.latency.OpProfiler;
import dev.asnet.bench.report.BenchReport;
import dev.asnet.bench.report.Comparison;
import dev.asnet.bench.suite.FileModels;
import dev.asnet.bench.suite.Suites;
import dev.asnet.exporter.export.AslLowering;
import dev.asnet.runtime.Device;
import dev.asnet.runtime.OptimizationLevel;
import dev.asnet.runtime.RuntimeOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code asnet bench}: latency of the zoo on ONNX Runtime, interleaved, with Markdown/JSON/PNG
 * reports (the {@code benchmarks} module's {@link LatencyRunner} and {@link BenchReport}).
 * {@code --suite paper} reproduces the paper's latency table, {@code --suite small} times the 28x28
 * models, {@code --suite ops} times the ASL op against Relu, depthwise conv and the portable
 * GridSample form, in the NCHW and in ONNX Runtime's blocked NCHWc layout ({@link OpBenchmark}), on
 * AS-ResNet's shapes or on {@code --shapes}.
 */
@Command(name = "bench", sortOptions = false,
        description = {"Measures latency of the model zoo (or of the ASL op) on ONNX Runtime.",
            "Models run interleaved after warm-up; reports give median and p90 per model and configuration."},
        footer = {"%nExamples:", "  asnet bench --suite paper --threads 1 --levels all --lowerings custom,depthwise -o bench-out",
            "  asnet bench runs/as16x3/model.onnx mobilenetv2.onnx --batch-size 64 --threads 1 --levels all",
            "  asnet bench model.onnx --rounds 20 --json > bench.json",
            "  asnet bench --suite ops --shapes \"1x64x56x56;32x64x56x56\" --levels basic,all --rounds 15 -o op-bench"})
public final class BenchCommand implements Callable<Integer> {
    private static final Set<String> PROFILED = Set.of("as-resnet-w32/custom", "as-resnet-w32/depthwise",
            "mobilenetv2-0.5", "as-resnet20-16x6/custom/b64", "dwresnet20-16x6/b64");

    @Parameters(paramLabel = "FILE", arity = "0..*",
            description = "ONNX models to time side by side instead of a suite (any model with one float input).")
    List<Path> files;

    @Option(names = "--suite", paramLabel = "NAME", defaultValue = "paper",
            description = "paper, small or ops (default: ${DEFAULT-VALUE}; not with FILE).")
    String suite;

    @Option(names = "--nchwc-rewrite", paramLabel = "WHEN", defaultValue = "on",
            description = "Time models with asnet's NCHWc rewrite (on, as asnet runs them), without it (off: what ONNX "
                    + "Runtime does alone), or both side by side (default: ${DEFAULT-VALUE}).")
    String nchwcRewrite;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "1",
            description = "With FILE: the batch fed to every model (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--cpu-time", description = "Time each run by the calling thread's CPU time instead of the wall "
            + "clock (needs --threads 1: ONNX Runtime then computes on that thread); far less disturbed by other "
            + "processes on a shared machine.")
    boolean cpuTime;

    @Option(names = "--threads", paramLabel = "N", split = ",",
            description = "Intra-op thread counts, comma-separated (default: 1 and all cores).")
    List<Integer> threads;

    @Option(names = "--levels", paramLabel = "LEVEL", split = ",", defaultValue = "basic,extended,all",
            description = "Graph optimization levels among disabled, basic, extended, layout, all "
                    + "(default: ${DEFAULT-VALUE}; suite ops: basic,all).")
    List<String> levels;

    @Option(names = "--lowerings", paramLabel = "NAME", split = ",", defaultValue = "custom,portable,depthwise",
            description = "ASL lowerings for the AS-ResNet models (default: ${DEFAULT-VALUE}).")
    List<String> lowerings;

    @Option(names = "--rounds", paramLabel = "N", defaultValue = "10",
            description = "Interleaved rounds (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--warmup-ms", paramLabel = "MS", defaultValue = "300",
            description = "Warm-up per model and configuration (default: ${DEFAULT-VALUE}).")
    long warmupMs;

    @Option(names = "--models", paramLabel = "TEXT", split = ",",
            description = "Only models whose name contains one of these.")
    List<String> filters;

    @Option(names = "--shapes", paramLabel = "NxCxHxW", description = "Suite ops: ';'-separated shapes (default: the "
            + "unit-stride ASL shapes of AS-ResNet-w32 at 224x224).")
    String shapes;

    @Option(names = "--reps", paramLabel = "N", defaultValue = "0",
            description = "Suite ops: calls per op per round; 0 = about 20 ms per op per round (default).")
    int reps;

    @Option(names = "--device", paramLabel = "DEVICE", defaultValue = "cpu",
            description = "cpu, cuda or cuda:N (CUDA needs the GPU build, mvn -Pgpu; default: ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--no-profile", negatable = true, defaultValue = "true",
            description = "Profile with ONNX Runtime's profiler: every FILE, or a suite's AS-ResNet and MobileNetV2 "
                    + "models (default: on).")
    boolean profile;

    @Option(names = "--keep-profiles", description = "Keep ONNX Runtime's trace of each profiled model as "
            + "DIR/profiles/MODEL.json (Chrome trace events, one per node run: open in Perfetto or chrome://tracing).")
    boolean keepProfiles;

    @Option(names = {"-o", "--out"}, paramLabel = "DIR", defaultValue = "bench-out",
            description = "Report folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--no-progress", description = "Plain progress lines instead of a progress bar (the default "
            + "when stderr is not a terminal).")
    boolean noProgress;

    @Mixin
    JsonOutput json;

    @Spec
    CommandSpec spec;

    /** Creates the command. */
    public BenchCommand() {}

    @Override
    public Integer call() throws Exception {
        boolean ops = suite.equals("ops");
        List<Integer> threadCounts = threads != null ? threads
                : Runtime.getRuntime().availableProcessors() > 1
                        ? List.of(1, Runtime.getRuntime().availableProcessors()) : List.of(1);
        List<OptimizationLevel> optLevels = new ArrayList<>();
        List<AslLowering> asl = new ArrayList<>();
        Suites.Suite s = null;
        OpBenchmark opBenchmark = null;
        Device where;
        // Every option is checked, and the report folder made, before minutes of measuring start.
        try {
            for (int t : threadCounts) {
                RuntimeOptions.checkThreads("--threads", t, false);
            }
            if (cpuTime && !threadCounts.equals(List.of(1))) {
                throw new IllegalArgumentException("--cpu-time needs --threads 1");
            }
            if (rounds < 1) {
                throw new IllegalArgumentException("--rounds must be >= 1, got " + rounds);
            }
            if (warmupMs < 0) {
                throw new IllegalArgumentException("--warmup-ms must be >= 0, got " + warmupMs);
            }
            boolean defaultLevels = spec.findOption("--levels").originalStringValues().isEmpty();
            for (String l : ops && defaultLevels ? List.of("basic", "all") : levels) {
                optLevels.add(OptimizationLevel.parse(l));
            }
            for (String l : lowerings) {
                asl.add(AslLowering.parse(l));
            }
            where = Device.parse(device);
            if (!List.of("on", "off", "both").contains(nchwcRewrite)) {
                throw new IllegalArgumentException("--nchwc-rewrite must be on, off or both, got '" + nchwcRewrite + "'");
            }
            if (files != null && !files.isEmpty()) {
                if (!spec.findOption("--suite").originalStringValues().isEmpty() || shapes != null) {
                    throw new IllegalArgumentException("give model files or --suite, not both");
                }
                if (batchSize < 1 || batchSize > 1_000_000) {
                    throw new IllegalArgumentException("--batch-size must be in [1, 1000000], got " + batchSize);
                }
            } else if (ops) {
                if (where != Device.CPU) {
                    throw new IllegalArgumentException("--suite ops runs on the CPU only");
                }
                opBenchmark = OpBenchmark.builder()
                        .setShapes(OpBenchmark.parseShapes(shapes != null ? shapes : OpBenchmark.AS_RESNET_SHAPES))
                        .optThreads(threadCounts).optLevels(optLevels).optRounds(rounds).optReps(reps).optPortable(true)
                        .optBlocked(true).optThreadCpuTime(cpuTime)
                        .build();
            } else {
                if (shapes != null) {
                    throw new IllegalArgumentException("--shapes applies to --suite ops only");
                }
                s = Suites.get(suite, asl);
            }
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        List<BenchModel> fileModels = new ArrayList<>();
        if (files != null) {
            for (Path f : files) {
                fileModels.add(FileModels.fromFile(f, batchSize));
            }
        }
        prepareOutputFolder(out);
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter stdout = spec.commandLine().getOut();
        if (ops) {
            // The table rows are the text output; with --json they are progress, and stdout gets the document.
            PrintWriter rows = json.enabled ? err : stdout;
            OpBenchmark.Result r = opBenchmark.run(line -> {
                rows.println(line);
                rows.flush();
            });
            err.println("report: " + r.write(out).toAbsolutePath());
            if (json.enabled) {
                JsonOutput.print(stdout, r.json());
            }
            return ExitCodes.OK;
        }
        if (!fileModels.isEmpty()) {
            s = fileSuite(fileModels);
            suite = "files";
        }
        List<BenchModel> models = new ArrayList<>();
        for (BenchModel m : s.models()) {
            if (filters == null || filters.stream().anyMatch(f -> m.name().contains(f))) {
                switch (nchwcRewrite) {
                    case "off" -> models.add(m.withoutNchwcRewrite());
                    case "both" -> {
                        models.add(m);
                        models.add(m.withoutNchwcRewrite());
                    }
                    default -> models.add(m);
                }
            }
        }
        if (models.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "no model of suite '" + suite + "' matches --models "
                    + filters);
        }
        List<BenchConfig> configs = new ArrayList<>();
        for (int t : threadCounts) {
            for (OptimizationLevel l : optLevels) {
                configs.add(new BenchConfig(t, l, where));
            }
        }
        Map<String, Object> machine = MachineInfo.describe();
        err.printf(Locale.ROOT, "bench %s: %d models x %d configurations, %d rounds%n", suite, models.size(),
                configs.size(), rounds);
        err.println("machine: " + MachineInfo.summary(machine));
        List<Measurement> results;
        // LatencyRunner reports each model's loading and warm-up and each round, per configuration.
        long steps = (long) configs.size() * (2L * models.size() + rounds);
        try (Progress progress = Progress.of(err, "bench", steps, !noProgress)) {
            results = LatencyRunner.builder().optRounds(rounds).optWarmupMs(warmupMs).optProgress(progress)
                    .optThreadCpuTime(cpuTime).build().run(models, configs);
        }
        List<OpProfiler.Profile> profiles = new ArrayList<>();
        Set<String> traceNames = new HashSet<>();
        if (profile && where == Device.CPU) {
            BenchConfig one = new BenchConfig(1, optLevels.get(optLevels.size() - 1));
            for (BenchModel m : models) {
                // Files: every one (the user chose them). Suites: the models the results discuss; with
                // --nchwc-rewrite both, a profiled model's "(ORT layout)" twin is profiled too.
                boolean chosen = suite.equals("files")
                        || PROFILED.stream().anyMatch(p -> m.name().equals(p) || m.name().startsWith(p + " ("));
                if (chosen) {
                    err.println("profiling " + m.name());
                    try {
                        Path traces = out.resolve("profiles");
                        Path keep = keepProfiles ? traces.resolve(traceFileName(m.name(), traceNames)) : null;
                        profiles.add(OpProfiler.profile(m, one, 10, traces, keep));
                        if (keep != null) {
                            err.println("trace: " + keep.toAbsolutePath());
                        }
                    } catch (Exception e) {
                        err.println("profiling " + m.name() + " failed: " + e.getMessage());
                    }
                }
            }
        }
        BenchReport report = new BenchReport(s.name(), s.title(), machine, results, s.comparisons(),
                s.published(), profiles);
        List<Path> files = report.write(out);
        if (json.enabled) {
            JsonOutput.print(stdout, report.json());
        } else {
            stdout.println(report.markdown());
        }
        err.println("report: " + files.get(0).toAbsolutePath());
        long failed = results.stream().filter(m -> !m.ok()).count();
        if (failed > 0) {
            err.println(failed + " measurement(s) failed; see the report");
        }
        return ExitCodes.OK;
    }

    /** Model files as a suite: each compared with the first. */
    private static Suites.Suite fileSuite(List<BenchModel> models) {
        List<Comparison> ratios = new ArrayList<>();
        for (BenchModel m : models.subList(1, models.size())) {
            ratios.add(new Comparison(models.get(0).family(), m.family(), Double.NaN));
        }
        return new Suites.Suite("files", "Latency of the given models", models, ratios, Map.of());
    }

    /**
     * The file name a model's kept trace gets: its name (for a model file, from the file's own name
     * on, folders left out) with anything but letters, digits, '.', '-' and '_' replaced by '_',
     * made unique among the names already used in this run.
     */
    static String traceFileName(String modelName, Set<String> used) {
        int onnx = modelName.lastIndexOf(".onnx");
        String last = onnx > 0 ? modelName.substring(modelName.lastIndexOf('/', onnx) + 1) : modelName;
        String base = last.replaceAll("[^A-Za-z0-9._-]", "_");
        String name = base + ".json";
        for (int k = 2; !used.add(name); k++) {
            name = base + "-" + k + ".json";
        }
        return name;
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
}
