package dev.asnet.bench;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.asnet.exporter.export.AslLowerings;
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
import dev.asnet.ops.AsnetOps;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * Op-level latency: ActiveShift forward and gradient against ONNX Runtime's Relu on the same tensor
 * (the memory-bound floor) and its depthwise 3x3 Conv (what ASL replaces).
 *
 * <p>For every thread count, optimization level and shape, the four ops are timed interleaved:
 * each round runs every op {@code --reps} times in a rotating order, after a warm-up, so that
 * frequency changes and noise hit all of them alike. Reported: median and p90 per op and the
 * ratios the issue sets targets for. Writes {@code ops.md} and {@code ops.json} to {@code --out}.
 */
@Command(name = "op-benchmark", mixinStandardHelpOptions = true,
        description = "Times ActiveShift, ActiveShiftGrad, Relu and depthwise 3x3 Conv, interleaved.")
public final class OpBenchmark implements Callable<Integer> {
    @Option(names = "--shapes", split = ";", description = "NxCxHxW shapes, ';'-separated (default: ${DEFAULT-VALUE})",
            defaultValue = "1x64x56x56;1x128x28x28;1x256x14x14;1x512x7x7;32x64x56x56")
    List<String> shapes;

    @Option(names = "--threads", split = ",", defaultValue = "1,2", description = "intra-op thread counts (default: ${DEFAULT-VALUE})")
    List<Integer> threads;

    @Option(names = "--levels", split = ",", defaultValue = "BASIC,ALL",
            description = "graph optimization levels among NONE, BASIC, EXTENDED, LAYOUT, ALL (default: ${DEFAULT-VALUE})")
    List<String> levels;

    @Option(names = "--rounds", defaultValue = "15", description = "interleaved rounds (default: ${DEFAULT-VALUE})")
    int rounds;

    @Option(names = "--reps", defaultValue = "0",
            description = "calls per op per round; 0 = enough for about 20 ms per op per round")
    int reps;

    @Option(names = "--out", defaultValue = "target/op-bench", description = "report folder (default: ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--portable", description = "also time the portable (standard ONNX, GridSample) form of ASL")
    boolean portable;

    /** The unit-stride ASL shapes of AS-ResNet-w32 at 224x224 (stages 0 to 4). */
    public static final String AS_RESNET_SHAPES = "1x32x112x112;1x32x56x56;1x64x28x28;1x128x14x14;1x256x7x7";

    private static final String[] CORE_OPS = {"ActiveShift", "ActiveShiftGrad", "Relu", "DepthwiseConv3x3"};
    private static final String PORTABLE_OP = "PortableGridSample";

    /** Command-line entry point. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new OpBenchmark()).setCaseInsensitiveEnumValuesAllowed(true).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        Map<String, Object> machine = MachineInfo.describe();
        System.out.println("machine: " + machine);
        List<Map<String, Object>> rows = new ArrayList<>();
        StringBuilder md = new StringBuilder();
        md.append("# ActiveShift op benchmark\n\n").append("Machine: ").append(machine).append("\n\n")
                .append("Median (p90) milliseconds per call; ").append(rounds).append(" interleaved rounds.\n\n")
                .append("| threads | level | shape | ActiveShift | ActiveShiftGrad | Relu | DW conv 3x3 | fwd/Relu | grad/Relu | DWconv/fwd |")
                .append(portable ? " GridSample form | GridSample/fwd |" : "").append('\n')
                .append("|---|---|---|---|---|---|---|---|---|---|").append(portable ? "---|---|" : "").append('\n');
        for (int t : threads) {
            for (String levelName : levels) {
                OptLevel level = BenchCommand.parseLevel(levelName);
                for (String s : shapes) {
                    long[] shape = parseShape(s);
                    Map<String, Samples> samples = measure(env, t, level, shape);
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("threads", t);
                    row.put("level", level.name());
                    row.put("shape", shape);
                    Map<String, Object> stats = new LinkedHashMap<>();
                    for (String op : ops()) {
                        Samples x = samples.get(op);
                        stats.put(op, Map.of("medianMs", x.medianMs(), "p90Ms", x.p90Ms(), "samples", x.size()));
                    }
                    row.put("ops", stats);
                    double fwd = samples.get("ActiveShift").medianMs();
                    double grad = samples.get("ActiveShiftGrad").medianMs();
                    double relu = samples.get("Relu").medianMs();
                    double conv = samples.get("DepthwiseConv3x3").medianMs();
                    row.put("forwardOverRelu", fwd / relu);
                    row.put("gradOverRelu", grad / relu);
                    row.put("dwConvOverForward", conv / fwd);
                    rows.add(row);
                    String line = String.format(Locale.ROOT, "| %d | %s | %s | %s | %s | %s | %s | %.2f | %.2f | %.2f |",
                            t, level, s, cell(samples.get("ActiveShift")), cell(samples.get("ActiveShiftGrad")),
                            cell(samples.get("Relu")), cell(samples.get("DepthwiseConv3x3")), fwd / relu, grad / relu, conv / fwd);
                    if (portable) {
                        double grid = samples.get(PORTABLE_OP).medianMs();
                        row.put("gridSampleOverForward", grid / fwd);
                        line += String.format(Locale.ROOT, " %s | %.2f |", cell(samples.get(PORTABLE_OP)), grid / fwd);
                    }
                    md.append(line).append('\n');
                    System.out.println(line);
                }
            }
        }
        md.append("\nTargets (issue 2): fwd/Relu <= 1.5, grad/Relu <= 4, DWconv/fwd >= 2 at the same level.\n");
        Files.createDirectories(out);
        AtomicFiles.writeString(out.resolve("ops.md"), md.toString());
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("machine", machine);
        json.put("rounds", rounds);
        json.put("results", rows);
        AtomicFiles.writeString(out.resolve("ops.json"),
                new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(json));
        System.out.println("report: " + out.resolve("ops.md").toAbsolutePath());
        return 0;
    }

    private Map<String, Samples> measure(OrtEnvironment env, int threads, OptLevel level, long[] shape) throws Exception {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(threads);
            options.setInterOpNumThreads(1);
            options.setOptimizationLevel(level);
            // The ops are timed in turn, each with its own session: idle workers must not spin
            // on a core the next op's session needs.
            options.addConfigEntry("session.intra_op.allow_spinning", "0");
            AsnetOps.register(options);
            List<TimedOp> ops = buildOps(env, options, shape, portable);
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
                            samples.get(op.name()).add(op.runNanos());
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
            spent += op.runNanos();
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
        return ops;
    }

    private static List<TimedOp> buildOps(OrtEnvironment env, OrtSession.SessionOptions options, long[] s, boolean portable)
            throws Exception {
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
            return ops;
        } catch (Exception e) {
            for (TimedOp op : ops) {
                op.close();
            }
            throw e;
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

    private static long[] parseShape(String s) {
        String[] parts = s.trim().split("x");
        if (parts.length != 4) {
            throw new CommandLine.ParameterException(new CommandLine(new OpBenchmark()),
                    "shape must be NxCxHxW, got '" + s + "'");
        }
        long[] shape = new long[4];
        for (int i = 0; i < 4; i++) {
            shape[i] = Long.parseLong(parts[i]);
        }
        return shape;
    }

    private static String cell(Samples s) {
        return String.format(Locale.ROOT, "%.4f (%.4f)", s.medianMs(), s.p90Ms());
    }

}
