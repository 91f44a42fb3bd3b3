package dev.asnet.exporter.export;

import dev.asnet.exporter.ModelMetadata;
import dev.asnet.exporter.count.Cost;
import dev.asnet.exporter.count.CostCounter;
import dev.asnet.exporter.ir.Graph;
import dev.asnet.exporter.ir.IrException;
import dev.asnet.exporter.ir.Model;
import dev.asnet.exporter.ir.Node;
import dev.asnet.exporter.ir.Tensor;
import dev.asnet.exporter.ir.Value;
import dev.asnet.exporter.ops.AsnetDomain;
import dev.asnet.exporter.ops.GraphBuilder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Prepares a model for inference. The source model is left untouched; a new graph is built from
 * it node by node:
 * <ul>
 *   <li>a Conv whose only user is a BatchNormalization (weights and statistics all initializers)
 *       becomes one Conv with {@code W' = W * s} and {@code b' = (b - mean) * s + beta},
 *       {@code s = gamma / sqrt(var + eps)}; BN that follows anything else stays;</li>
 *   <li>every {@code dev.asnet::ActiveShift} is written in the chosen {@link AslLowering};</li>
 *   <li>everything else is copied, keeping names, so the graph input and output names and the
 *       symbolic batch dimension are those of the source.</li>
 * </ul>
 * Metadata is copied and {@link ModelMetadata#ASL_LOWERING}, {@link ModelMetadata#BN_FOLDED} and,
 * for the depthwise lowering, {@link ModelMetadata#ASL_RADIUS} are set; {@link
 * ModelMetadata#PARAMS} and {@link ModelMetadata#MACS} are counted on the source when absent.
 */
public final class InferenceExport {
    private final Model source;
    private final ExportOptions options;
    private final Graph target;
    private final GraphBuilder b;
    private final Map<Value, Value> map = new HashMap<>();
    private int maxRadiusUsed = -1;

    private InferenceExport(Model source, ExportOptions options) {
        this.source = source;
        this.options = options;
        this.target = new Graph(source.graph().name(), source.graph().registry());
        this.b = new GraphBuilder(target);
    }

    /**
     * Builds the inference model.
     *
     * @param source the model as built (names are assigned to it if missing)
     * @param options the lowering and folding choices
     * @return a new model
     * @throws IrException if an ASL cannot be lowered as asked (such as a radius above the limit)
     */
    public static Model prepare(Model source, ExportOptions options) {
        return new InferenceExport(source, options).run();
    }

    private Model run() {
        Graph g = source.graph();
        g.validate();
        g.assignNames();
        for (Value in : g.inputs()) {
            map.put(in, target.addInput(in.name(), in.dataType(), in.shape()));
        }
        Map<Node, Node> folded = options.foldBatchNorm() ? foldablePairs(g) : Map.of();
        for (Node n : g.nodes()) {
            if (folded.containsValue(n)) {
                continue; // the BN is emitted together with its conv
            }
            Node bn = folded.get(n);
            if (bn != null) {
                emitFolded(n, bn);
            } else if (n.domain().equals(AsnetDomain.DOMAIN) && n.opType().equals(AsnetDomain.ACTIVE_SHIFT)) {
                emitShift(n);
            } else {
                copy(n);
            }
        }
        for (Value out : g.outputs()) {
            target.addOutput(map.get(out));
        }
        Model m = new Model(target).setOpsetVersion(options.opsetVersion()).setIrVersion(source.irVersion())
                .setProducer(source.producerName(), source.producerVersion());
        source.metadata().forEach(m::putMetadata);
        if (!source.metadata().containsKey(ModelMetadata.PARAMS) || !source.metadata().containsKey(ModelMetadata.MACS)) {
            Cost c = CostCounter.count(g);
            m.putMetadata(ModelMetadata.PARAMS, Long.toString(c.params()));
            m.putMetadata(ModelMetadata.MACS, Long.toString(c.macs()));
        }
        m.putMetadata(ModelMetadata.ASL_LOWERING, options.lowering().id());
        if (options.lowering() == AslLowering.DEPTHWISE && maxRadiusUsed >= 0) {
            m.putMetadata(ModelMetadata.ASL_RADIUS, Integer.toString(maxRadiusUsed));
        }
        m.putMetadata(ModelMetadata.BN_FOLDED, Boolean.toString(options.foldBatchNorm()));
        return m;
    }

    /** Conv node to the BN node that can be folded into it. */
    private static Map<Node, Node> foldablePairs(Graph g) {
        Map<Node, Node> pairs = new HashMap<>();
        for (Node bn : g.nodes()) {
            if (!bn.domain().isEmpty() || !bn.opType().equals("BatchNormalization")) {
                continue;
            }
            Node conv = bn.input(0).producer();
            if (conv == null || !conv.domain().isEmpty() || !conv.opType().equals("Conv")) {
                continue;
            }
            boolean ok = conv.output().users().size() == 1 && !g.outputs().contains(conv.output())
                    && conv.input(1).isInitializer() && conv.input(1).users().size() == 1
                    && (conv.input(2) == null || conv.input(2).isInitializer() && conv.input(2).users().size() == 1);
            for (int i = 1; i < 5; i++) {
                ok &= bn.input(i).isInitializer();
            }
            if (ok) {
                pairs.put(conv, bn);
            }
        }
        return pairs;
    }

    private void emitFolded(Node conv, Node bn) {
        Tensor w = conv.input(1).data();
        long[] dims = w.dims();
        int m = (int) dims[0];
        int per = w.size() / m;
        float[] gamma = bn.input(1).data().floats();
        float[] beta = bn.input(2).data().floats();
        float[] mean = bn.input(3).data().floats();
        float[] var = bn.input(4).data().floats();
        float eps = bn.attribute("epsilon").map(a -> a.asFloat()).orElse(1e-5f);
        float[] bias0 = conv.input(2) == null ? new float[m] : conv.input(2).data().floats();
        float[] wf = w.floats();
        float[] bias = new float[m];
        for (int o = 0; o < m; o++) {
            double s = gamma[o] / Math.sqrt((double) var[o] + eps);
            for (int i = 0; i < per; i++) {
                wf[o * per + i] = (float) (wf[o * per + i] * s);
            }
            bias[o] = (float) ((bias0[o] - (double) mean[o]) * s + beta[o]);
        }
        Value nw = b.parameter(conv.input(1).name(), Tensor.ofFloats(wf, dims));
        Value nb = b.parameter(conv.input(2) != null ? conv.input(2).name() : freeName(conv.name() + ".bias"),
                Tensor.ofFloats(bias, m));
        Node n = target.addNode("", "Conv", conv.name(), List.of(mapped(conv.input(0)), nw, nb),
                new ArrayList<>(conv.attributes().values()));
        n.output().setName(bn.output().name());
        map.put(bn.output(), n.output());
    }

    /** The name if neither graph uses it yet, else null to let the naming authority choose. */
    private String freeName(String name) {
        return source.graph().names().hasValueName(name) || target.names().hasValueName(name) ? null : name;
    }

    private void emitShift(Node n) {
        Value x = mapped(n.input(0));
        Value shift = n.input(1);
        long[] st = n.attribute(AsnetDomain.STRIDES).map(a -> a.asInts()).orElse(new long[] {1, 1});
        if (shift.isInitializer()) {
            AslLowerings.requireFinite(n.name(), shift.data().floats());
        }
        Value out;
        switch (options.lowering()) {
            case CUSTOM -> {
                copy(n);
                return;
            }
            case PORTABLE -> out = AslLowerings.portable(b, n.name(), x, mapped(shift), st[0], st[1],
                    options.opsetVersion());
            case DEPTHWISE -> {
                if (!shift.isInitializer()) {
                    throw new IrException(n.describe() + ": the depthwise lowering needs the shift as an initializer but it is "
                            + shift.describe());
                }
                maxRadiusUsed = Math.max(maxRadiusUsed, AslLowerings.radius(shift.data().floats()));
                out = AslLowerings.depthwise(b, n.name(), x, shift.data(), st[0], st[1], options.maxRadius());
            }
            default -> throw new IllegalStateException("unhandled lowering " + options.lowering());
        }
        out.setName(n.output().name());
        map.put(n.output(), out);
    }

    private void copy(Node n) {
        List<Value> inputs = new ArrayList<>();
        for (Value v : n.inputs()) {
            inputs.add(v == null ? null : mapped(v));
        }
        Node copy = target.addNode(n.domain(), n.opType(), n.name(), inputs, new ArrayList<>(n.attributes().values()));
        for (int i = 0; i < n.outputs().size(); i++) {
            copy.outputs().get(i).setName(n.outputs().get(i).name());
            map.put(n.outputs().get(i), copy.outputs().get(i));
        }
    }

    private Value mapped(Value v) {
        Value m = map.get(v);
        if (m == null) {
            if (!v.isInitializer()) {
                throw new IrException("value " + v.describe() + " is used before it is produced");
            }
            m = target.addInitializer(v.name(), v.data(), v.role());
            map.put(v, m);
        }
        return m;
    }
}
