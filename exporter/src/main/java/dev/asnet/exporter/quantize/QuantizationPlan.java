package dev.asnet.exporter.quantize;

import dev.asnet.exporter.ModelInfo;
import dev.asnet.exporter.ir.Attribute;
import dev.asnet.exporter.ir.DataType;
import dev.asnet.exporter.ir.Graph;
import dev.asnet.exporter.ir.InitializerRole;
import dev.asnet.exporter.ir.Model;
import dev.asnet.exporter.ir.Node;
import dev.asnet.exporter.ir.Tensor;
import dev.asnet.exporter.ir.Usage;
import dev.asnet.exporter.ir.Value;
import dev.asnet.exporter.ops.AsnetDomain;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Which activations of a prepared float model are quantized, and the rewrite into QDQ form once
 * their ranges are known ({@link #quantize}). Made by {@link QdqQuantizer#plan}.
 *
 * <p>Patterns (every quantized tensor gets one QuantizeLinear and one DequantizeLinear shared by
 * its readers; ONNX Runtime's QDQ fusions then form the integer ops):
 * <ul>
 *   <li><b>The stem</b>, a Conv that reads a graph input (the float image), stays float unless
 *       {@link QuantizeOptions#floatStem()} is off; its output is quantized as any conv's.</li>
 *   <li><b>Conv</b> with a constant weight: input X uint8; weight int8, symmetric, one scale per
 *       output channel (axis 0); bias int32 with scale {@code x_scale * w_scale[c]}, zero point 0
 *       (QLinearConv). BatchNormalization reaches here as a conv (folded, or as a depthwise 1x1
 *       conv).</li>
 *   <li><b>BatchNormalization that cannot fold</b> (a depthwise 1x1 conv here), with the Relu after
 *       it: in the {@link BatchNormQuantization#UINT8} form one {@link ChannelAffineU8} node from
 *       the uint8 input to the uint8 output, the conv's float weight and bias folded with both
 *       quantizations; else quantized as a conv.</li>
 *   <li><b>Gemm</b> ({@code transA = 0}, {@code alpha = beta = 1}) with a constant B: A uint8, B
 *       int8 per output column, C int32 as for Conv (QGemm).</li>
 *   <li><b>Add</b> of two computed tensors: both inputs and the output uint8 (QLinearAdd).</li>
 *   <li><b>GlobalAveragePool, AveragePool, MaxPool</b>: input and output uint8.</li>
 *   <li>The output of a Conv, Gemm, Add or pool is quantized after the Relu/Clip chain that alone
 *       reads it (ONNX Runtime drops a Relu or Clip before a QuantizeLinear whose range it does not
 *       cut), unless it is a graph output: the logits stay float.</li>
 *   <li><b>ActiveShift</b>: input uint8; output uint8 with the input's scale and zero point (never
 *       calibrated: a bilinear sample lies within its taps' range), as {@code DequantizeLinear ->
 *       ActiveShift -> QuantizeLinear} or one {@code ActiveShiftU8} ({@link AslQuantization}).</li>
 *   <li>Any other op (Relu, Clip, Flatten, Reshape, Transpose, GridSample...) runs in float on
 *       dequantized inputs; ONNX Runtime moves Reshape, Transpose and MaxPool onto the uint8
 *       tensors itself. {@link #keptInFloat()} lists the compute ops left in float.</li>
 * </ul>
 *
 * <p>Rounding is half to even everywhere (QuantizeLinear's rule), also for weights and biases;
 * {@code ActiveShiftU8} has its own exact integer rule (round half up, docs/op-contract.md).
 */
public final class QuantizationPlan {
    /** The lowest standard opset a QDQ model is written with (per-axis DequantizeLinear). */
    public static final int MIN_OPSET = 13;

    private static final Set<String> POOLS = Set.of("GlobalAveragePool", "AveragePool", "MaxPool");
    private static final Set<String> LAYOUT_ONLY = Set.of("Relu", "Clip", "Flatten", "Reshape", "Transpose");

    private final Model floatModel;
    private final QuantizeOptions options;
    /** The depthwise convs that stand for BatchNormalizations, by node name. */
    private final List<String> batchNormConvs;
    private final int relusRemoved;
    /** Every quantized activation, in graph order (inputs first). */
    private final Set<String> points = new LinkedHashSet<>();
    /** Quantized activations whose parameters are another's (ActiveShift outputs). */
    private final Map<String, String> derivedFrom = new LinkedHashMap<>();
    private final List<String> weighted = new ArrayList<>();
    private final List<String> shifts = new ArrayList<>();
    /** Convs kept float because they read a graph input ({@link QuantizeOptions#floatStem()}). */
    private final List<String> floatStems = new ArrayList<>();
    private final Map<String, Integer> keptInFloat = new TreeMap<>();

    QuantizationPlan(Model floatModel, QuantizeOptions options, List<String> batchNormConvs, int relusRemoved) {
        this.floatModel = floatModel;
        this.options = options;
        this.batchNormConvs = List.copyOf(batchNormConvs);
        this.relusRemoved = relusRemoved;
        analyze(floatModel.graph());
    }

    private void analyze(Graph g) {
        for (Node n : g.nodes()) {
            String op = n.opType();
            if (n.domain().equals(AsnetDomain.DOMAIN)) {
                if (!op.equals(AsnetDomain.ACTIVE_SHIFT)) {
                    throw new QuantizationException(n.describe() + ": " + AsnetDomain.DOMAIN + "::" + op
                            + " belongs to training graphs; quantize an inference model");
                }
                addPoint(g, n.input(0));
                if (!g.outputs().contains(n.output())) {
                    points.add(n.output().name());
                    derivedFrom.put(n.output().name(), n.input(0).name());
                }
                shifts.add(n.name());
            } else if (op.equals("Conv") || op.equals("Gemm")) {
                checkWeighted(n);
                if (op.equals("Conv") && options.floatStem() && isGraphInput(g, n.input(0))) {
                    addOutputPoint(g, n);  // the stem: float on the float image, its output quantized
                    floatStems.add(n.name());
                    continue;
                }
                addPoint(g, n.input(0));
                addOutputPoint(g, n);
                weighted.add(n.name());
            } else if (op.equals("Add") && !n.input(0).isInitializer() && !n.input(1).isInitializer()) {
                addPoint(g, n.input(0));
                addPoint(g, n.input(1));
                addOutputPoint(g, n);
            } else if (POOLS.contains(op)) {
                addPoint(g, n.input(0));
                addOutputPoint(g, n);
            } else if (!LAYOUT_ONLY.contains(op)) {
                keptInFloat.merge(op, 1, Integer::sum);
            }
        }
        if (points.isEmpty()) {
            throw new QuantizationException("graph '" + g.name() + "' has no Conv, Gemm, Add, pooling or Active Shift"
                    + " layer; nothing to quantize");
        }
    }

    private static void checkWeighted(Node n) {
        Value w = n.input(1);
        if (!w.isInitializer()) {
            throw new QuantizationException(n.describe() + ": its weight " + w.describe() + " is computed in the graph;"
                    + " asnet quantizes " + n.opType() + " with constant weights only");
        }
        if (n.input(2) != null && !n.input(2).isInitializer()) {
            throw new QuantizationException(n.describe() + ": its bias " + n.input(2).describe()
                    + " is computed in the graph; asnet quantizes constant biases only");
        }
        if (n.opType().equals("Gemm")) {
            boolean plain = n.attribute("transA").map(Attribute::asInt).orElse(0L) == 0
                    && n.attribute("alpha").map(Attribute::asFloat).orElse(1f) == 1f
                    && n.attribute("beta").map(Attribute::asFloat).orElse(1f) == 1f;
            long out = w.shape().dim(gemmAxis(n)).value();
            boolean bias = n.input(2) == null || n.input(2).shape().rank() == 1 && n.input(2).shape().dim(0).value() == out;
            if (!plain || !bias) {
                throw new QuantizationException(n.describe() + ": asnet quantizes Gemm with transA = 0, alpha = beta = 1"
                        + " and a bias of one value per output only");
            }
        }
    }

    /** The output-channel axis of a weight: 0 for Conv and for Gemm with transB = 1, else 1. */
    private static int gemmAxis(Node n) {
        return n.opType().equals("Gemm") && n.attribute("transB").map(Attribute::asInt).orElse(0L) == 0 ? 1 : 0;
    }

    private static boolean isGraphInput(Graph g, Value v) {
        return !v.isInitializer() && g.inputs().contains(v);
    }

    private void addPoint(Graph g, Value v) {
        if (!v.isInitializer()) {
            points.add(v.name());
        }
    }

    private void addOutputPoint(Graph g, Node n) {
        Value v = n.output();
        while (!g.outputs().contains(v) && v.users().size() == 1 && isActivation(v.users().get(0).node())) {
            v = v.users().get(0).node().output();
        }
        if (!g.outputs().contains(v)) {
            points.add(v.name());
        }
    }

    private static boolean isActivation(Node n) {
        return n.domain().isEmpty() && (n.opType().equals("Relu") || n.opType().equals("Clip") && bounds(n));
    }

    /** Whether a Clip has constant bounds (a computed bound cannot fold into a QuantizeLinear). */
    private static boolean bounds(Node clip) {
        for (int i = 1; i < clip.inputs().size(); i++) {
            if (clip.input(i) != null && !clip.input(i).isInitializer()) {
                return false;
            }
        }
        return true;
    }

    /**
     * The prepared float model: BatchNormalization folded or rewritten as depthwise convs, repeated
     * Relus collapsed. It computes what the source does (up to float rounding); calibration runs it.
     *
     * @return the model (do not modify it)
     */
    public Model floatModel() {
        return floatModel;
    }

    /**
     * The activations whose ranges calibration must observe, in graph order; a graph input among
     * them is observed as fed.
     *
     * @return the value names
     */
    public List<String> calibratedValues() {
        List<String> out = new ArrayList<>();
        for (String p : points) {
            if (!derivedFrom.containsKey(p)) {
                out.add(p);
            }
        }
        return out;
    }

    /**
     * The float model with every calibrated activation that is not a graph input as an extra graph
     * output (under its own name), so one run yields them all.
     *
     * @return a new model
     */
    public Model calibrationModel() {
        Graph g = floatModel.graph().copy();
        Set<String> inputs = new java.util.HashSet<>();
        for (Value in : g.inputs()) {
            inputs.add(in.name());
        }
        for (String name : calibratedValues()) {
            Value v = g.names().value(name).orElseThrow();
            if (!inputs.contains(name) && !g.outputs().contains(v)) {
                g.addOutput(v);
            }
        }
        Model m = new Model(g).setOpsetVersion(floatModel.opsetVersion()).setIrVersion(floatModel.irVersion());
        floatModel.metadata().forEach(m::putMetadata);
        return m;
    }

    /**
     * How many BatchNormalization nodes became depthwise convs.
     *
     * @return the count
     */
    public int batchNormsRewritten() {
        return batchNormConvs.size();
    }

    /**
     * How many repeated Relus were removed.
     *
     * @return the count
     */
    public int relusRemoved() {
        return relusRemoved;
    }

    /**
     * How BatchNormalizations that cannot fold run in this model ({@link
     * QuantizeOptions#batchNorm(boolean)}: the uint8 op where the model has Active Shift layers that
     * are not in the portable form, unless set).
     *
     * @return the form
     */
    public BatchNormQuantization batchNormForm() {
        return options.batchNorm(!shifts.isEmpty() && options.asl() != AslQuantization.DEPTHWISE);
    }

    /**
     * How many Conv and Gemm nodes get int8 weights.
     *
     * @return the count
     */
    public int weightedLayers() {
        return weighted.size();
    }

    /**
     * The convs kept float as the stem ({@link QuantizeOptions#floatStem()}), by node name.
     *
     * @return the names, in graph order
     */
    public List<String> floatStems() {
        return Collections.unmodifiableList(floatStems);
    }

    /**
     * How many Active Shift layers sit between quantized tensors.
     *
     * @return the count
     */
    public int activeShiftLayers() {
        return shifts.size();
    }

    /**
     * Compute ops the plan leaves in float (by op type, with counts): they read dequantized
     * tensors.
     *
     * @return op type to count
     */
    public Map<String, Integer> keptInFloat() {
        return Collections.unmodifiableMap(keptInFloat);
    }

    /**
     * Writes the QDQ model.
     *
     * @param ranges the observed range of every {@link #calibratedValues() calibrated value}
     * @param info what calibration ran on, for the metadata
     * @return a new model; the plan can be used again
     * @throws IllegalArgumentException naming the value if a range is missing
     */
    public Model quantize(Map<String, TensorRange> ranges, CalibrationInfo info) {
        Objects.requireNonNull(info, "info");
        Map<String, QuantParams> params = new LinkedHashMap<>();
        for (String p : points) {
            if (!derivedFrom.containsKey(p)) {
                TensorRange r = ranges.get(p);
                if (r == null) {
                    throw new IllegalArgumentException("no calibrated range for activation '" + p + "'");
                }
                params.put(p, r.toUint8());
            }
        }
        for (Map.Entry<String, String> e : derivedFrom.entrySet()) {
            params.put(e.getKey(), params.get(e.getValue()));
        }
        Graph g = floatModel.graph().copy();
        QdqEdits edits = new QdqEdits(g);
        Map<Value, QuantParams> dequantized = new HashMap<>();
        for (String p : points) {
            Value v = g.names().value(p).orElseThrow();
            dequantized.put(edits.insertQdq(v, params.get(p)), params.get(p));
        }
        Set<String> affine = new java.util.HashSet<>();
        if (batchNormForm() == BatchNormQuantization.UINT8) {
            for (String name : batchNormConvs) {
                Node n = g.nodes().stream().filter(x -> name.equals(x.name())).findFirst().orElseThrow();
                if (edits.useChannelAffine(n)) {
                    affine.add(name);
                }
            }
        }
        for (String name : weighted) {
            if (affine.contains(name)) {
                continue;
            }
            Node n = g.nodes().stream().filter(x -> name.equals(x.name())).findFirst().orElseThrow();
            QuantParams x = dequantized.get(n.input(0));
            if (x != null) {
                edits.quantizeWeights(n, gemmAxis(n), x);
            }
        }
        if (options.asl() == AslQuantization.UINT8) {
            for (String name : shifts) {
                Node n = g.nodes().stream().filter(x -> name.equals(x.name())).findFirst().orElseThrow();
                edits.useUint8Shift(n);
            }
        }
        g.removeUnusedInitializers();
        Model m = new Model(g).setOpsetVersion(floatModel.opsetVersion()).setIrVersion(floatModel.irVersion())
                .setProducer(floatModel.producerName(), floatModel.producerVersion());
        floatModel.metadata().forEach(m::putMetadata);
        m.putMetadata(ModelInfo.QUANTIZED, options.describeMethod());
        m.putMetadata(ModelInfo.QUANTIZATION_CALIBRATION, info.description());
        m.putMetadata(ModelInfo.QUANTIZATION_IMAGES, Integer.toString(info.images()));
        m.putMetadata(ModelInfo.QUANTIZATION_SEED, Long.toString(info.seed()));
        if (!batchNormConvs.isEmpty()) {
            m.putMetadata(ModelInfo.QUANTIZATION_BATCH_NORM, affine.size() == batchNormConvs.size()
                    ? BatchNormQuantization.UINT8.id() : affine.isEmpty() ? BatchNormQuantization.CONV.id()
                    : BatchNormQuantization.UINT8.id() + " (" + affine.size() + " of " + batchNormConvs.size() + ")");
        }
        if (!floatStems.isEmpty()) {
            m.putMetadata(ModelInfo.QUANTIZATION_STEM, "float (" + String.join(", ", floatStems) + ")");
        }
        if (!shifts.isEmpty() || (options.asl() == AslQuantization.DEPTHWISE
                && floatModel.metadata().containsKey(ModelInfo.ASL_RADIUS))) {
            m.putMetadata(ModelInfo.QUANTIZATION_ASL, options.asl().id());
        }
        return m;
    }

    /** The graph edits of {@link #quantize}: Q/DQ pairs, int8 weights, the uint8 Active Shift. */
    private static final class QdqEdits {
        private final Graph g;

        QdqEdits(Graph g) {
            this.g = g;
        }

        /** Puts {@code v -> Q -> DQ} in front of every reader of v; returns the DQ output. */
        Value insertQdq(Value v, QuantParams p) {
            String base = v.name();
            Value scale = g.addInitializer(free(base + "_scale"), Tensor.scalar(p.scale()), InitializerRole.CONSTANT);
            Value zero = g.addInitializer(free(base + "_zero_point"), Tensor.ofInts(DataType.UINT8,
                    new int[] {p.zeroPoint()}), InitializerRole.CONSTANT);
            List<Usage> readers = new ArrayList<>(v.users());
            Node q = v.producer() == null
                    ? g.insertNodeBefore(g.nodes().get(0), "", "QuantizeLinear", freeNode(base + "_QuantizeLinear"),
                            List.of(v, scale, zero), List.of())
                    : g.insertNodeAfter(v.producer(), "", "QuantizeLinear", freeNode(base + "_QuantizeLinear"),
                            List.of(v, scale, zero), List.of());
            q.output().rename(free(base + "_quantized"));
            Node dq = g.insertNodeAfter(q, "", "DequantizeLinear", freeNode(base + "_DequantizeLinear"),
                    List.of(q.output(), scale, zero), List.of());
            dq.output().rename(free(base + "_dequantized"));
            for (Usage u : readers) {
                u.node().replaceInput(u.inputIndex(), dq.output());
            }
            return dq.output();
        }

        /** Replaces a Conv's or Gemm's weight (and bias) by int8 (int32) data and a DequantizeLinear. */
        void quantizeWeights(Node n, int axis, QuantParams x) {
            Value w = n.input(1);
            PerChannelWeights q = PerChannelWeights.quantize(w.data(), axis);
            int channels = q.scales().length;
            String base = w.name();
            Value wq = g.addInitializer(free(base + "_quantized"), q.values(), InitializerRole.PARAMETER);
            Value ws = g.addInitializer(free(base + "_scale"), Tensor.ofFloats(q.scales(), channels),
                    InitializerRole.CONSTANT);
            Value wz = g.addInitializer(free(base + "_zero_point"), Tensor.ofInts(DataType.INT8, new int[channels],
                    channels), InitializerRole.CONSTANT);
            Node dqw = g.insertNodeBefore(n, "", "DequantizeLinear", freeNode(base + "_DequantizeLinear"),
                    List.of(wq, ws, wz), List.of(Attribute.ofInt("axis", axis)));
            n.replaceInput(1, dqw.output());
            Value b = n.input(2);
            if (b == null) {
                return;
            }
            String bBase = b.name();
            float[] scales = new float[channels];
            for (int c = 0; c < channels; c++) {
                scales[c] = q.biasScale(c, x.scale());
            }
            Value bq = g.addInitializer(free(bBase + "_quantized"), Tensor.ofInts(DataType.INT32,
                    q.quantizeBias(b.data().floats(), x.scale()), channels), InitializerRole.PARAMETER);
            Value bs = g.addInitializer(free(bBase + "_scale"), Tensor.ofFloats(scales, channels), InitializerRole.CONSTANT);
            Value bz = g.addInitializer(free(bBase + "_zero_point"), Tensor.ofInts(DataType.INT32, new int[channels],
                    channels), InitializerRole.CONSTANT);
            Node dqb = g.insertNodeBefore(n, "", "DequantizeLinear", freeNode(bBase + "_DequantizeLinear"),
                    List.of(bq, bs, bz), List.of(Attribute.ofInt("axis", 0)));
            n.replaceInput(2, dqb.output());
        }

        /**
         * Turns {@code DQ -> ActiveShift -> Q} into {@code ActiveShiftU8} on the uint8 tensor. A layer
         * whose output is not quantized (a graph output) keeps the float form.
         */
        void useUint8Shift(Node asl) {
            Node dqIn = asl.input(0).producer();
            Node qOut = null;
            for (Usage u : asl.output().users()) {
                if (u.node().opType().equals("QuantizeLinear")) {
                    qOut = u.node();
                }
            }
            if (dqIn == null || !dqIn.opType().equals("DequantizeLinear") || qOut == null
                    || asl.output().users().size() != 1 || qOut.output().users().size() != 1) {
                return;
            }
            Node dqOut = qOut.output().users().get(0).node();
            List<Attribute> attrs = new ArrayList<>(asl.attributes().values());
            String name = asl.name();
            Node u8 = g.insertNodeBefore(asl, AsnetDomain.DOMAIN, ActiveShiftU8.OP_TYPE, null,
                    List.of(dqIn.input(0), asl.input(1), dqIn.input(1), dqIn.input(2)), attrs);
            dqOut.replaceInput(0, u8.output());
            g.removeNode(qOut);
            g.removeNode(asl);
            if (dqIn.output().users().isEmpty()) {
                g.removeNode(dqIn);
            }
            u8.rename(name);
        }

        /**
         * Turns {@code DQ -> Conv (a BatchNormalization as depthwise 1x1) [-> Relu] -> Q} into one
         * {@code ChannelAffineU8} on the uint8 tensors, the conv's float weight and bias folded with
         * both quantizations ({@link ChannelAffineU8#fold}). False (nothing changed) where the
         * pattern does not hold, e.g. an output that is not quantized.
         */
        boolean useChannelAffine(Node conv) {
            Node dqIn = conv.input(0).producer();
            if (dqIn == null || !dqIn.opType().equals("DequantizeLinear") || !conv.input(1).isInitializer()
                    || conv.input(2) == null || !conv.input(2).isInitializer()) {
                return false;
            }
            Value v = conv.output();
            Node relu = null;
            if (v.users().size() == 1 && v.users().get(0).node().opType().equals("Relu")
                    && v.users().get(0).node().domain().isEmpty()) {
                relu = v.users().get(0).node();
                v = relu.output();
            }
            if (g.outputs().contains(conv.output()) || g.outputs().contains(v) || v.users().size() != 1
                    || !v.users().get(0).node().opType().equals("QuantizeLinear")) {
                return false;
            }
            Node q = v.users().get(0).node();
            QuantParams in = params(dqIn);
            QuantParams out = params(q);
            if (in == null || out == null) {
                return false;
            }
            ChannelAffineU8.Params p = ChannelAffineU8.fold(conv.input(1).data().floats(),
                    conv.input(2).data().floats(), in, out, relu != null);
            int channels = p.multiplier().length;
            String base = conv.name();
            Value mult = g.addInitializer(free(base + ".multiplier"), Tensor.ofInts(DataType.INT32, p.multiplier(),
                    channels), InitializerRole.CONSTANT);
            Value off = g.addInitializer(free(base + ".offset"), Tensor.ofInts(DataType.INT32, p.offset(), channels),
                    InitializerRole.CONSTANT);
            Value sh = g.addInitializer(free(base + ".shift"), Tensor.ofInts(DataType.INT32, p.shift(), channels),
                    InitializerRole.CONSTANT);
            Node affine = g.insertNodeBefore(conv, AsnetDomain.DOMAIN, ChannelAffineU8.OP_TYPE, null,
                    List.of(dqIn.input(0), mult, off, sh), List.of(Attribute.ofInt(AsnetDomain.Y_MIN, p.yMin())));
            q.output().replaceAllUsesWith(affine.output());
            g.removeNode(q);
            if (relu != null) {
                g.removeNode(relu);
            }
            g.removeNode(conv);
            if (dqIn.output().users().isEmpty()) {
                g.removeNode(dqIn);
            }
            affine.rename(base);
            return true;
        }

        /** The per-tensor scale and zero point of a QuantizeLinear or DequantizeLinear, or null. */
        private static QuantParams params(Node qdq) {
            if (qdq.inputs().size() < 3 || qdq.input(1) == null || qdq.input(2) == null
                    || !qdq.input(1).isInitializer() || !qdq.input(2).isInitializer()
                    || qdq.input(1).data().size() != 1 || qdq.input(2).data().type() != DataType.UINT8) {
                return null;
            }
            return new QuantParams(qdq.input(1).data().floats()[0], qdq.input(2).data().ints()[0], DataType.UINT8);
        }

        private String free(String name) {
            return g.names().hasValueName(name) ? null : name;
        }

        private String freeNode(String name) {
            return g.nodes().stream().anyMatch(n -> name.equals(n.name())) ? null : name;
        }
    }
}
