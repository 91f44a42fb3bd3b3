package dev.asnet.bench;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.asnet.bench.report.BenchReport;
import dev.asnet.exporter.export.AslLowerings;
import dev.asnet.exporter.export.SortShiftChannels;
import dev.asnet.exporter.io.AtomicFiles;
import dev.asnet.exporter.io.OnnxWriter;
import dev.asnet.exporter.ir.Attribute;
import dev.asnet.exporter.ir.DataType;
import dev.asnet.exporter.ir.Graph;
import dev.asnet.exporter.ir.Model;
import dev.asnet.exporter.ir.Node;
import dev.asnet.exporter.ir.Shape;
import dev.asnet.exporter.ir.Tensor;
import dev.asnet.exporter.ir.Value;
import dev.asnet.exporter.ops.AsnetDomain;
import dev.asnet.exporter.ops.ConvOptions;
import dev.asnet.exporter.ops.GraphBuilder;
import dev.asnet.exporter.ops.OpRegistry;
import dev.asnet.runtime.OptimizationLevel;
import dev.asnet.runtime.RuntimeOptions;
import dev.asnet.runtime.SessionFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Op-level latency: ActiveShift forward and gradient against ONNX Runtime's Relu on the same tensor
 * (the memory-bound floor) and its depthwise 3x3 Conv (what ASL replaces), optionally also the
 * portable (GridSample) form of the ASL.
 *
 * <p>With {@link Builder#optBlocked} the same comparison is made in ONNX Runtime's blocked NCHWc
 * layout (the layout convolutions use at level ALL, block size learned from ONNX Runtime): {@code
 * dev.asnet:ActiveShiftNchwc} on the blocked tensor, once with the NCHW row's shifts and once with
 * the same shifts sorted by integer offset (as an exporter pass would order channels, so a block's
 * lanes share few offsets), against Relu and {@code com.microsoft.nchwc:Conv} depthwise 3x3 on the
 * same blocked tensor. These models are built by hand, so any level leaves them as they are.
 *
 * <p>For every thread count, optimization level and shape, the ops are timed interleaved: each
 * round runs every op a number of times in a rotating order, after a warm-up, so that frequency
 * changes and noise hit all of them alike. Reported: median and p90 per op and the ratios that have
 * targets (at the same level: forward at most 1.5x Relu, gradient at most 4x Relu, depthwise conv
 * at least 2x the forward).
 *
 * <pre>{@code
 * OpBenchmark.Result r = OpBenchmark.builder().setShapes(OpBenchmark.parseShapes("1x64x56x56"))
 *         .optRounds(15).build().run(System.out::println);
 * r.write(Path.of("op-bench"));   // ops.md and ops.json
 * }</pre>
 */
public final class OpBenchmark {
    /** The shapes of the op-level comparison: ResNet-like stages, and a batch of 32. */
    public static final String DEFAULT_SHAPES = "1x64x56x56;1x128x28x28;1x256x14x14;1x512x7x7;32x64x56x56";

    /** The unit-stride ASL shapes of AS-ResNet-w32 at 224x224 (stages 0 to 4). */
    public static final String AS_RESNET_SHAPES = "1x32x112x112;1x32x56x56;1x64x28x28;1x128x14x14;1x256x7x7";

    private static final String[] CORE_OPS = {"ActiveShift", "ActiveShiftConst", "ActiveShiftGrad", "Relu",
        "DepthwiseConv3x3"};
    private static final String PORTABLE_OP = "PortableGridSample";
    private static final String[] BLOCKED_OPS = {"ActiveShiftNchwc", "ActiveShiftNchwcSorted",
        "ActiveShiftNchwcSortedConst", "ReluNchwc", "DepthwiseConv3x3Nchwc"};
    /** ONNX Runtime's domain of its blocked-layout ops. */
    private static final String NCHWC_DOMAIN = "com.microsoft.nchwc";

    private final List<long[]> shapes;
    private final List<Integer> threads;
    private final List<OptimizationLevel> levels;
    private final int rounds;
    private final int reps;
    private final boolean portable;
    private final boolean blocked;
    private final boolean threadCpuTime;

    private OpBenchmark(Builder b) {
        this.shapes = List.copyOf(b.shapes);
        this.threads = List.copyOf(b.threads);
        this.levels = List.copyOf(b.levels);
        this.rounds = b.rounds;
        this.reps = b.reps;
        this.portable = b.portable;
        this.blocked = b.blocked;
        this.threadCpuTime = b.threadCpuTime;
    }

    /**
     * A builder with the defaults: {@link #DEFAULT_SHAPES}, 1 and 2 threads, levels basic and all,
     * 15 rounds, automatic repetitions, no portable form.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Settings of an {@link OpBenchmark}; validated in {@link #build()}. */
    public static final class Builder {
        private List<long[]> shapes = parseShapes(DEFAULT_SHAPES);
        private List<Integer> threads = List.of(1, 2);
        private List<OptimizationLevel> levels = List.of(OptimizationLevel.BASIC, OptimizationLevel.ALL);
        private int rounds = 15;
        private int reps;
        private boolean portable;
        private boolean blocked;
        private boolean threadCpuTime;

        private Builder() {}

        /**
         * Sets the NCHW shapes to time.
         *
         * @param shapes the shapes (see {@link #parseShapes})
         * @return this builder
         */
        public Builder setShapes(List<long[]> shapes) {
            this.shapes = shapes;
            return this;
        }

        /**
         * Sets the intra-op thread counts.
         *
         * @param threads the counts
         * @return this builder
         */
        public Builder optThreads(List<Integer> threads) {
            this.threads = threads;
            return this;
        }

        /**
         * Sets the graph optimization levels.
         *
         * @param levels the levels
         * @return this builder
         */
        public Builder optLevels(List<OptimizationLevel> levels) {
            this.levels = levels;
            return this;
        }

        /**
         * Sets the number of interleaved rounds.
         *
         * @param rounds rounds, >= 1
         * @return this builder
         */
        public Builder optRounds(int rounds) {
            this.rounds = rounds;
            return this;
        }

        /**
         * Sets the calls per op per round.
         *
         * @param reps calls, or 0 for enough to fill about 20 ms per op per round
         * @return this builder
         */
        public Builder optReps(int reps) {
            this.reps = reps;
            return this;
        }

        /**
         * Also times the portable (standard ONNX, GridSample) form of the ASL.
         *
         * @param portable true to include it
         * @return this builder
         */
        public Builder optPortable(boolean portable) {
            this.portable = portable;
            return this;
        }

        /**
         * Also times the blocked NCHWc form: ActiveShiftNchwc (NCHW-order and offset-sorted shifts),
         * Relu and ONNX Runtime's NCHWc depthwise 3x3 conv on the blocked tensor. Shapes whose channel
         * count is not a multiple of ONNX Runtime's block size leave these columns empty.
         *
         * @param blocked true to include it
         * @return this builder
         */
        public Builder optBlocked(boolean blocked) {
            this.blocked = blocked;
            return this;
        }

        /**
         * Times each call by the calling thread's CPU time instead of the wall clock (needs one
         * intra-op thread: ONNX Runtime then computes on the calling thread).
         *
         * @param on true for thread CPU time
         * @return this builder
         */
        public Builder optThreadCpuTime(boolean on) {
            this.threadCpuTime = on;
            return this;
        }

        /**
         * Validates and builds.
         *
         * @return the benchmark
         * @throws IllegalArgumentException naming the bad setting
         */
        public OpBenchmark build() {
            if (shapes.isEmpty() || threads.isEmpty() || levels.isEmpty()) {
                throw new IllegalArgumentException("need at least one shape, thread count and level");
            }
            for (int t : threads) {
                RuntimeOptions.checkThreads("threads", t, false);
            }
            if (rounds < 1) {
                throw new IllegalArgumentException("rounds must be >= 1, got " + rounds);
            }
            if (reps < 0) {
                throw new IllegalArgumentException("reps must be >= 0 (0 = automatic), got " + reps);
            }
            if (threadCpuTime && !threads.equals(List.of(1))) {
                throw new IllegalArgumentException("thread CPU time needs one intra-op thread, got threads " + threads);
            }
            return new OpBenchmark(this);
        }
    }

    /**
     * The measured table.
     *
     * @param machine the machine it ran on
     * @param rounds interleaved rounds
     * @param rows one row per thread count, level and shape (JSON-ready maps)
     * @param markdown the table as Markdown
     */
    public record Result(Map<String, Object> machine, int rounds, List<Map<String, Object>> rows, String markdown) {
        /**
         * Writes {@code ops.md} and {@code ops.json} into a folder (created if missing).
         *
         * @param out the folder
         * @return the Markdown file
         * @throws IOException if writing fails
         */
        public Path write(Path out) throws IOException {
            Files.createDirectories(out);
            AtomicFiles.writeString(out.resolve("ops.md"), markdown);
            AtomicFiles.writeString(out.resolve("ops.json"),
                    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(json()));
            return out.resolve("ops.md");
        }

        /**
         * The result as a JSON-ready tree, as written to {@code ops.json}: {@code machine}, {@code
         * rounds} and {@code results} (one entry per thread count, level and shape).
         *
         * @return the tree
         */
        public Map<String, Object> json() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("machine", machine);
            json.put("rounds", rounds);
            json.put("results", rows);
            return json;
        }
    }

    /**
     * Runs every configuration.
     *
     * @param progress receives each table row as it is measured
     * @return the results
     * @throws Exception if ONNX Runtime or the op library fails
     */
    public Result run(Consumer<String> progress) throws Exception {
        OrtEnvironment env = SessionFactory.environment();
        Map<String, Object> machine = MachineInfo.describe();
        int block = blocked ? ortBlockSize(env) : 0;
        if (blocked) {
            machine.put("ortNchwcBlockSize", block);
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        StringBuilder md = new StringBuilder();
        md.append("# ActiveShift op benchmark\n\n").append("Machine: ").append(MachineInfo.summary(machine)).append("\n\n")
                .append("Median (p90) milliseconds per call (").append(threadCpuTime ? "thread CPU time" : "wall clock")
                .append("); ").append(rounds).append(" interleaved rounds")
                .append(rounds < BenchReport.RELIABLE_P90_SAMPLES ? " (too few for a reliable p90)" : "").append(".\n\n")
                .append("| threads | level | shape | ActiveShift | ActiveShift, shift constant | ActiveShiftGrad | Relu"
                        + " | DW conv 3x3 | fwd/Relu | const/Relu | grad/Relu | DWconv/fwd | DWconv/const |")
                .append(portable ? " GridSample form | GridSample/fwd |" : "")
                .append(blocked ? " NCHWc shift | NCHWc shift, sorted | NCHWc sorted, constant | NCHWc Relu"
                        + " | NCHWc DW conv 3x3 | NCHWc fwd/Relu | sorted/Relu | sorted const/Relu | DWconv/sorted"
                        + " | DWconv/sorted const |" : "").append('\n')
                .append("|---|---|---|---|---|---|---|---|---|---|---|---|---|").append(portable ? "---|---|" : "")
                .append(blocked ? "---|---|---|---|---|---|---|---|---|---|" : "").append('\n');

        for (int t : threads) {
            for (OptimizationLevel level : levels) {
                for (long[] shape : shapes) {
                    String s = shapeText(shape);
                    boolean blockedHere = blocked && shape[1] % block == 0;
                    Map<String, Samples> samples = measure(env, t, level, shape, blockedHere ? block : 0);
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("threads", t);
                    row.put("level", level.id());
                    row.put("shape", shape);
                    Map<String, Object> stats = new LinkedHashMap<>();
                    for (String op : ops()) {
                        Samples x = samples.get(op);
                        if (x == null) {
                            continue;
                        }
                        stats.put(op, Map.of("medianMs", x.medianMs(), "p90Ms", x.p90Ms(), "samples", x.size()));
                    }
                    row.put("ops", stats);
                    double fwd = samples.get("ActiveShift").medianMs();
                    double fwdConst = samples.get("ActiveShiftConst").medianMs();
                    double grad = samples.get("ActiveShiftGrad").medianMs();
                    double relu = samples.get("Relu").medianMs();
                    double conv = samples.get("DepthwiseConv3x3").medianMs();
                    row.put("forwardOverRelu", fwd / relu);
                    row.put("constantForwardOverRelu", fwdConst / relu);
                    row.put("gradOverRelu", grad / relu);
                    row.put("dwConvOverForward", conv / fwd);
                    row.put("dwConvOverConstantForward", conv / fwdConst);
                    rows.add(row);
                    String line = String.format(Locale.ROOT,
                            "| %d | %s | %s | %s | %s | %s | %s | %s | %.2f | %.2f | %.2f | %.2f | %.2f |", t, level.id(), s,
                            cell(samples.get("ActiveShift")), cell(samples.get("ActiveShiftConst")),
                            cell(samples.get("ActiveShiftGrad")), cell(samples.get("Relu")),
                            cell(samples.get("DepthwiseConv3x3")), fwd / relu, fwdConst / relu, grad / relu, conv / fwd,
                            conv / fwdConst);
                    if (portable) {
                        double grid = samples.get(PORTABLE_OP).medianMs();
                        row.put("gridSampleOverForward", grid / fwd);
                        line += String.format(Locale.ROOT, " %s | %.2f |", cell(samples.get(PORTABLE_OP)), grid / fwd);
                    }
                    if (blockedHere) {
                        double bf = samples.get("ActiveShiftNchwc").medianMs();
                        double bs = samples.get("ActiveShiftNchwcSorted").medianMs();
                        double bk = samples.get("ActiveShiftNchwcSortedConst").medianMs();
                        double br = samples.get("ReluNchwc").medianMs();
                        double bc = samples.get("DepthwiseConv3x3Nchwc").medianMs();
                        row.put("nchwcBlockSize", block);
                        row.put("nchwcForwardOverRelu", bf / br);
                        row.put("nchwcSortedOverRelu", bs / br);
                        row.put("nchwcSortedConstantOverRelu", bk / br);
                        row.put("nchwcDwConvOverSorted", bc / bs);
                        row.put("nchwcDwConvOverSortedConstant", bc / bk);
                        line += String.format(Locale.ROOT, " %s | %s | %s | %s | %s | %.2f | %.2f | %.2f | %.2f | %.2f |",
                                cell(samples.get("ActiveShiftNchwc")), cell(samples.get("ActiveShiftNchwcSorted")),
                                cell(samples.get("ActiveShiftNchwcSortedConst")), cell(samples.get("ReluNchwc")),
                                cell(samples.get("DepthwiseConv3x3Nchwc")), bf / br, bs / br, bk / br, bc / bs, bc / bk);
                    } else if (blocked) {
                        line += " - | - | - | - | - | - | - | - | - | - |";
                    }
                    md.append(line).append('\n');
                    progress.accept(line);
                }
            }
        }
        md.append("\nShift constant: the shift an initializer, as in every inference model (the other columns feed it"
                + " as a graph input, as training does).\n");
        md.append("\nTargets: fwd/Relu <= 1.5, grad/Relu <= 4, DWconv/fwd >= 2 at the same level");
        md.append(blocked ? "; in the blocked layout (block " + block + ") the same forward targets.\n" : ".\n");
        return new Result(machine, rounds, rows, md.toString());
    }

    private Map<String, Samples> measure(OrtEnvironment env, int threads, OptimizationLevel level, long[] shape,
            int block) throws Exception {
        // The ops are timed in turn, each with its own session: idle workers must not spin on a
        // core the next op's session needs.
        RuntimeOptions runtime = RuntimeOptions.builder().optIntraOpThreads(threads).optOptimizationLevel(level)
                .optSpinning(false).build();
        try (SessionFactory.Setup setup = SessionFactory.setup(runtime, true, "the op benchmark")) {
            OrtSession.SessionOptions options = setup.options();
            List<TimedOp> ops = buildOps(env, options, shape, portable, block);
            try {
                Map<String, Samples> samples = new LinkedHashMap<>();
                int[] reps = new int[ops.size()];
                for (int i = 0; i < ops.size(); i++) {
                    samples.put(ops.get(i).name(), new Samples());
                    reps[i] = warmUp(ops.get(i));
                }
                for (int r = 0; r < rounds; r++) {
                    for (int k = 0; k < ops.size(); k++) {
                        int i = (k + r) % ops.size();  // rotate which op goes first
                        TimedOp op = ops.get(i);
                        for (int j = 0; j < reps[i]; j++) {
                            samples.get(op.name()).add(op.runNanos(threadCpuTime));
                        }
                    }
                }
                return samples;
            } finally {
                for (TimedOp op : ops) {
                    op.close();
                }
            }
        }
    }

    /** Warms an op up for about 100 ms and returns how many calls fill about 20 ms. */
    private int warmUp(TimedOp op) throws Exception {
        long spent = 0;
        int calls = 0;
        while (spent < 100_000_000L || calls < 5) {
            spent += op.runNanos(threadCpuTime);
            calls++;
        }
        if (reps > 0) {
            return reps;
        }
        double perCall = (double) spent / calls;
        return (int) Math.max(3, Math.min(2000, 20_000_000L / perCall));
    }

    private List<String> ops() {
        List<String> ops = new ArrayList<>(List.of(CORE_OPS));
        if (portable) {
            ops.add(PORTABLE_OP);
        }
        if (blocked) {
            ops.addAll(List.of(BLOCKED_OPS));
        }
        return ops;
    }

    private static List<TimedOp> buildOps(OrtEnvironment env, OrtSession.SessionOptions options, long[] s, boolean portable,
            int block) throws Exception {
        long c = s[1];
        Random rnd = new Random(1);
        float[] x = random(rnd, (int) TimedOp.count(s), 1f);
        float[] shift = random(rnd, (int) (2 * c), 2f);  // real-valued shifts, like trained ones
        float[] weights = random(rnd, (int) (c * 9), 0.3f);
        long[] shiftShape = {c, 2};
        List<TimedOp> ops = new ArrayList<>();
        try {
            ops.add(new TimedOp("ActiveShift", env, model(b -> {
                Value in = b.input("X", DataType.FLOAT, Shape.of(s));
                b.output(b.activeShift("asl", in, b.input("shift", DataType.FLOAT, Shape.of(shiftShape)), 1, 1), "Y");
            }), options, Map.of("X", x, "shift", shift), Map.of("X", s, "shift", shiftShape), Map.of("Y", s)));
            // The same op with the shift an initializer, as every inference model has it: the op
            // then makes its per-channel geometry once, when the session is created.
            ops.add(new TimedOp("ActiveShiftConst", env, model(b -> {
                Value in = b.input("X", DataType.FLOAT, Shape.of(s));
                b.output(b.activeShift("asl", in, b.constant("shift", Tensor.ofFloats(shift, c, 2)), 1, 1), "Y");
            }), options, Map.of("X", x), Map.of("X", s), Map.of("Y", s)));
            ops.add(new TimedOp("ActiveShiftGrad", env, model(b -> {
                Value dy = b.input("dY", DataType.FLOAT, Shape.of(s));
                Value in = b.input("X", DataType.FLOAT, Shape.of(s));
                Value sh = b.input("shift", DataType.FLOAT, Shape.of(shiftShape));
                Node grad = b.node(AsnetDomain.DOMAIN, AsnetDomain.ACTIVE_SHIFT_GRAD, "asl_grad", List.of(dy, in, sh),
                        List.of(Attribute.ofInts(AsnetDomain.STRIDES, 1, 1)));
                b.output(grad.outputs().get(0), "dX");
                b.output(grad.outputs().get(1), "dShift");
            }), options, Map.of("dY", x, "X", x, "shift", shift), Map.of("dY", s, "X", s, "shift", shiftShape),
                    Map.of("dX", s, "dShift", shiftShape)));
            ops.add(new TimedOp("Relu", env, model(b -> b.output(b.relu("relu", b.input("X", DataType.FLOAT, Shape.of(s))), "Y")),
                    options, Map.of("X", x), Map.of("X", s), Map.of("Y", s)));
            ops.add(new TimedOp("DepthwiseConv3x3", env, model(b -> {
                Value in = b.input("X", DataType.FLOAT, Shape.of(s));
                Value w = b.constant("W", Tensor.ofFloats(weights, c, 1, 3, 3));
                b.output(b.conv("dw", in, w, null, ConvOptions.builder().optGroups(c).optPad(1).build()), "Y");
            }), options, Map.of("X", x), Map.of("X", s), Map.of("Y", s)));
            if (portable) {
                ops.add(new TimedOp(PORTABLE_OP, env, model(b -> {
                    Value in = b.input("X", DataType.FLOAT, Shape.of(s));
                    Value sh = b.constant("shift", Tensor.ofFloats(shift, c, 2));
                    b.output(AslLowerings.portable(b, "asl", in, sh, 1, 1, Model.DEFAULT_OPSET), "Y");
                }), options, Map.of("X", x), Map.of("X", s), Map.of("Y", s)));
            }
            if (block > 0) {
                // C is a multiple of the block here, so the blocked tensor has X's shape and size.
                float[] sorted = sortedByOffset(shift);
                ops.add(new TimedOp("ActiveShiftNchwc", env, BlockedModels.activeShift(s, block), options,
                        Map.of("X", x, "shift", shift), Map.of("X", s, "shift", shiftShape), Map.of("Y", s)));
                ops.add(new TimedOp("ActiveShiftNchwcSorted", env, BlockedModels.activeShift(s, block), options,
                        Map.of("X", x, "shift", sorted), Map.of("X", s, "shift", shiftShape), Map.of("Y", s)));
                ops.add(new TimedOp("ActiveShiftNchwcSortedConst", env, BlockedModels.activeShiftConstant(s, block, sorted),
                        options, Map.of("X", x), Map.of("X", s), Map.of("Y", s)));
                ops.add(new TimedOp("ReluNchwc", env, BlockedModels.relu(s), options, Map.of("X", x), Map.of("X", s),
                        Map.of("Y", s)));
                ops.add(new TimedOp("DepthwiseConv3x3Nchwc", env, BlockedModels.depthwise3x3(s, weights), options,
                        Map.of("X", x), Map.of("X", s), Map.of("Y", s)));
            }
            return ops;
        } catch (Exception e) {
            for (TimedOp op : ops) {
                op.close();
            }
            throw e;
        }
    }

    /**
     * The shifts with channels reordered by integer offset (floor y, then floor x), as the
     * exporter's {@link SortShiftChannels} pass leaves them.
     */
    static float[] sortedByOffset(float[] shift) {
        int[] order = SortShiftChannels.order(shift);
        float[] out = new float[shift.length];
        for (int i = 0; i < order.length; i++) {
            out[2 * i] = shift[2 * order[i]];
            out[2 * i + 1] = shift[2 * order[i] + 1];
        }
        return out;
    }

    /** ONNX Runtime's NCHWc block size: its ReorderInput pads 4 channels to max(4, block). */
    static int ortBlockSize(OrtEnvironment env) throws Exception {
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions();
                TimedOp reorder = new TimedOp("ReorderInput", env, BlockedModels.reorderInput(), o,
                        Map.of("X", new float[4]), Map.of("X", new long[] {1, 4, 1, 1}), Map.of())) {
            return reorder.runOutputLength();
        }
    }

    /** A small model built with the exporter's graph builder, serialized. */
    private static byte[] model(Consumer<GraphBuilder> body) {
        Graph g = new Graph("op_benchmark", OpRegistry.standard());
        body.accept(new GraphBuilder(g));
        return OnnxWriter.toBytes(new Model(g));
    }

    private static float[] random(Random rnd, int count, float range) {
        float[] v = new float[count];
        for (int i = 0; i < count; i++) {
            v[i] = (rnd.nextFloat() * 2 - 1) * range;
        }
        return v;
    }

    /**
     * Parses {@code NxCxHxW} shapes separated by {@code ;}.
     *
     * @param text the shapes, e.g. {@code 1x64x56x56;32x64x56x56}
     * @return the shapes
     * @throws IllegalArgumentException naming a malformed shape
     */
    public static List<long[]> parseShapes(String text) {
        List<long[]> shapes = new ArrayList<>();
        for (String s : text.split(";", -1)) {
            String[] parts = s.trim().split("x");
            long[] shape = new long[4];
            boolean ok = parts.length == 4;
            for (int i = 0; ok && i < 4; i++) {
                try {
                    shape[i] = Long.parseLong(parts[i]);
                    // Small enough that every tensor fits a Java array and the benchmark's memory.
                    ok = shape[i] >= 1 && shape[i] <= 100_000;
                } catch (NumberFormatException e) {
                    ok = false;
                }
            }
            if (!ok || shape[0] * shape[1] * shape[2] * shape[3] > (1L << 28)) {
                throw new IllegalArgumentException("shape must be NxCxHxW with positive sizes and at most 2^28 "
                        + "elements, got '" + s.trim() + "'");
            }
            shapes.add(shape);
        }
        return shapes;
    }

    private static String shapeText(long[] shape) {
        return shape[0] + "x" + shape[1] + "x" + shape[2] + "x" + shape[3];
    }

    private static String cell(Samples s) {
        return String.format(Locale.ROOT, "%.4f (%.4f)", s.medianMs(), s.p90Ms());
    }

}
