package dev.asnet.runtime;

import dev.asnet.exporter.MetadataException;
import dev.asnet.exporter.ModelInfo;
import dev.asnet.exporter.count.CostCounter;
import dev.asnet.exporter.export.AslLowering;
import dev.asnet.exporter.io.OnnxReader;
import dev.asnet.exporter.onnx.Onnx.AttributeProto;
import dev.asnet.exporter.onnx.Onnx.GraphProto;
import dev.asnet.exporter.onnx.Onnx.ModelProto;
import dev.asnet.exporter.onnx.Onnx.NodeProto;
import dev.asnet.exporter.onnx.Onnx.OperatorSetIdProto;
import dev.asnet.exporter.onnx.Onnx.StringStringEntryProto;
import dev.asnet.exporter.onnx.Onnx.TensorProto;
import dev.asnet.exporter.onnx.Onnx.TensorShapeProto;
import dev.asnet.exporter.onnx.Onnx.ValueInfoProto;
import dev.asnet.exporter.ops.AsnetDomain;
import dev.asnet.runtime.nchwc.NchwcOps;
import dev.asnet.runtime.nchwc.NchwcRewrite;
import dev.asnet.shaded.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What an ONNX model declares, read from its protobuf without running it: opset imports, inputs
 * and outputs, the operators it uses, parameter and MAC counts, and asnet's metadata ({@link
 * #info()}).
 *
 * <p>A model whose asnet metadata is broken (a key holding a value {@link ModelInfo} refuses) can
 * still be described: {@link #info()} throws, naming the key, and the other accessors fall back to
 * what the graph says, as for a model without asnet metadata.
 */
public final class ModelDescription {
    /**
     * Operator domains ONNX Runtime implements itself; any other domain a model uses needs a
     * custom-op library.
     */
    public static final Set<String> BUILT_IN_DOMAINS = Set.of("", "ai.onnx", "ai.onnx.ml", "com.microsoft",
            "ai.onnx.training", "ai.onnx.preview.training", "ai.onnx.preview", "com.microsoft.experimental",
            NchwcOps.DOMAIN, "org.pytorch.aten");

    private final String source;
    private final long irVersion;
    private final String producer;
    private final Map<String, Long> opsetImports;
    private final List<ValueSpec> inputs;
    private final List<ValueSpec> outputs;
    private final Map<String, Integer> operators;
    private final int nodeCount;
    private final long initializerElements;
    private final Map<String, String> metadata;
    /** The metadata read as {@link ModelInfo}, or {@link ModelInfo#EMPTY} when it is broken. */
    private final ModelInfo info;
    /** Why the metadata could not be read, or null. */
    private final MetadataException metadataError;
    private final boolean externalData;
    private final OptionalLong countedMacs;

    private ModelDescription(String source, ModelProto proto) {
        this.source = source;
        this.externalData = !ExternalData.find(proto).isEmpty();
        this.irVersion = proto.getIrVersion();
        this.producer = (proto.getProducerName() + " " + proto.getProducerVersion()).trim();
        Map<String, Long> opsets = new LinkedHashMap<>();
        for (OperatorSetIdProto o : proto.getOpsetImportList()) {
            opsets.put(displayDomain(o.getDomain()), o.getVersion());
        }
        this.opsetImports = Collections.unmodifiableMap(opsets);
        GraphProto g = proto.getGraph();
        Set<String> initializers = new HashSet<>();
        long elements = 0;
        for (TensorProto t : g.getInitializerList()) {
            initializers.add(t.getName());
            if (t.getDataType() == TensorProto.DataType.FLOAT_VALUE) {
                elements = CostCounter.plus(elements, elementCount(t));
            }
        }
        this.initializerElements = elements;
        List<ValueSpec> in = new ArrayList<>();
        for (ValueInfoProto vi : g.getInputList()) {
            // Older exporters also list initializers as inputs; those are weights, not inputs.
            if (!initializers.contains(vi.getName())) {
                in.add(spec(vi));
            }
        }
        List<ValueSpec> out = new ArrayList<>();
        for (ValueInfoProto vi : g.getOutputList()) {
            out.add(spec(vi));
        }
        this.inputs = List.copyOf(in);
        this.outputs = List.copyOf(out);
        Map<String, Integer> ops = new TreeMap<>();
        this.nodeCount = countOps(g, ops);
        this.operators = Collections.unmodifiableMap(ops);
        Map<String, String> meta = new LinkedHashMap<>();
        for (StringStringEntryProto e : proto.getMetadataPropsList()) {
            meta.put(e.getKey(), e.getValue());
        }
        this.metadata = Collections.unmodifiableMap(meta);
        ModelInfo read;
        MetadataException error = null;
        try {
            read = ModelInfo.fromMetadata(meta);
        } catch (MetadataException e) {
            read = ModelInfo.EMPTY;
            error = e;
        }
        this.info = read;
        this.metadataError = error;
        this.countedMacs = info.macs().isPresent() ? OptionalLong.empty() : countMacs(proto);
    }

    /**
     * Reads and describes a model file.
     *
     * @param file the {@code .onnx} file
     * @return the description
     * @throws NoSuchFileException if the file does not exist
     * @throws InvalidModelException if it is not an ONNX model
     * @throws IOException if reading fails
     */
    public static ModelDescription read(Path file) throws IOException {
        return parse(ModelFiles.readModelBytes(file), file.toString());
    }

    /**
     * Describes a model from its bytes.
     *
     * @param model the serialized ModelProto
     * @param source how to name the model in messages (a file name, for example)
     * @return the description
     * @throws InvalidModelException if the bytes are not an ONNX model
     */
    public static ModelDescription parse(byte[] model, String source) throws InvalidModelException {
        return new ModelDescription(source, parseProto(model, source));
    }

    /** Describes an already parsed and checked ({@link #parseProto}) model. */
    static ModelDescription of(ModelProto proto, String source) {
        return new ModelDescription(source, proto);
    }

    /**
     * Parses and sanity-checks a ModelProto: a protobuf that parses but has no graph, IR version or
     * opset import is some other file, since protobuf accepts many byte strings.
     *
     * @param model the bytes
     * @param source how to name the model in messages
     * @return the parsed proto
     * @throws InvalidModelException if the bytes are not an ONNX model
     */
    static ModelProto parseProto(byte[] model, String source) throws InvalidModelException {
        if (model.length == 0) {
            throw new InvalidModelException(source + ": not an ONNX model (empty file)");
        }
        ModelProto proto;
        try {
            proto = ModelProto.parseFrom(model);
        } catch (InvalidProtocolBufferException e) {
            throw new InvalidModelException(source + ": not an ONNX model (not a valid ONNX protobuf: "
                    + e.getMessage() + ")", e);
        }
        if (proto.getIrVersion() <= 0 || !proto.hasGraph() || proto.getOpsetImportCount() == 0) {
            throw new InvalidModelException(source + ": not an ONNX model (no "
                    + (proto.getIrVersion() <= 0 ? "IR version" : !proto.hasGraph() ? "graph" : "opset import")
                    + ")");
        }
        if (proto.getGraph().getOutputCount() == 0) {
            throw new InvalidModelException(source + ": the ONNX graph has no outputs");
        }
        return proto;
    }

    /**
     * A tensor's element count from its declared dimensions, saturated at
     * {@link CostCounter#SATURATED}: a file may declare absurd dimensions, which must not wrap to a
     * wrong or negative count. A negative dimension (invalid) counts as 0.
     */
    private static long elementCount(TensorProto t) {
        long n = 1;
        for (long d : t.getDimsList()) {
            if (d <= 0) {
                return 0;
            }
            n = CostCounter.times(n, d);
        }
        return n;
    }

    private static String displayDomain(String domain) {
        return domain.isEmpty() ? "ai.onnx" : domain;
    }

    private static int countOps(GraphProto g, Map<String, Integer> ops) {
        int nodes = 0;
        for (NodeProto n : g.getNodeList()) {
            nodes++;
            String key = n.getDomain().isEmpty() || n.getDomain().equals("ai.onnx")
                    ? n.getOpType() : n.getDomain() + ":" + n.getOpType();
            ops.merge(key, 1, Integer::sum);
            for (AttributeProto a : n.getAttributeList()) {
                if (a.hasG()) {
                    nodes += countOps(a.getG(), ops);
                }
                for (GraphProto sub : a.getGraphsList()) {
                    nodes += countOps(sub, ops);
                }
            }
        }
        return nodes;
    }

    private static ValueSpec spec(ValueInfoProto vi) {
        String type = vi.getType().hasTensorType()
                ? elementTypeName(vi.getType().getTensorType().getElemType()) : "non-tensor";
        List<TensorShapeProto.Dimension> d = vi.getType().getTensorType().getShape().getDimList();
        long[] dims = new long[d.size()];
        String[] names = new String[d.size()];
        for (int i = 0; i < dims.length; i++) {
            TensorShapeProto.Dimension dim = d.get(i);
            dims[i] = dim.hasDimValue() ? dim.getDimValue() : -1;
            names[i] = dim.hasDimParam() && !dim.getDimParam().isEmpty() ? dim.getDimParam() : null;
        }
        return new ValueSpec(vi.getName(), type, dims, names);
    }

    private static String elementTypeName(int type) {
        TensorProto.DataType t = TensorProto.DataType.forNumber(type);
        return t == null ? "type" + type : t.name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Counts MACs with the exporter's cost counter; models with ops it does not know have no count. */
    private static OptionalLong countMacs(ModelProto proto) {
        try {
            return OptionalLong.of(CostCounter.count(OnnxReader.fromProto(proto).graph()).macs());
        } catch (RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    /**
     * Whether some tensor is stored as external data (in a file next to the model): such a model
     * can only be opened from its file, never from its bytes.
     *
     * @return true when a tensor refers to an external file
     */
    public boolean usesExternalData() {
        return externalData;
    }

    /**
     * How the model is named in messages (usually its file).
     *
     * @return the source
     */
    public String source() {
        return source;
    }

    /**
     * The ONNX IR version.
     *
     * @return the version
     */
    public long irVersion() {
        return irVersion;
    }

    /**
     * The producer name and version, possibly empty.
     *
     * @return the producer
     */
    public String producer() {
        return producer;
    }

    /**
     * The imported operator sets, domain to version; the default domain is shown as
     * {@code ai.onnx}.
     *
     * @return the imports in file order
     */
    public Map<String, Long> opsetImports() {
        return opsetImports;
    }

    /**
     * Whether the model imports an operator domain.
     *
     * @param domain the domain, such as {@code dev.asnet}
     * @return true if imported
     */
    public boolean importsDomain(String domain) {
        return opsetImports.containsKey(displayDomain(domain));
    }

    /**
     * Operator domains the model imports or uses that ONNX Runtime does not implement itself.
     *
     * @return the domains, sorted
     */
    public Set<String> customDomains() {
        Set<String> out = new TreeSet<>();
        for (String d : opsetImports.keySet()) {
            if (!BUILT_IN_DOMAINS.contains(d)) {
                out.add(d);
            }
        }
        for (String op : operators.keySet()) {
            int colon = op.lastIndexOf(':');
            if (colon > 0 && !BUILT_IN_DOMAINS.contains(op.substring(0, colon))) {
                out.add(op.substring(0, colon));
            }
        }
        return Collections.unmodifiableSet(out);
    }

    /**
     * The graph inputs, initializers excluded.
     *
     * @return the inputs
     */
    public List<ValueSpec> inputs() {
        return inputs;
    }

    /**
     * The graph outputs.
     *
     * @return the outputs
     */
    public List<ValueSpec> outputs() {
        return outputs;
    }

    /**
     * How often each operator occurs, keyed {@code OpType} for the default domain and
     * {@code domain:OpType} otherwise, sorted by key; nodes of subgraphs included.
     *
     * @return operator counts
     */
    public Map<String, Integer> operators() {
        return operators;
    }

    /**
     * The number of nodes, subgraphs included.
     *
     * @return the node count
     */
    public int nodeCount() {
        return nodeCount;
    }

    /**
     * The model's metadata properties.
     *
     * @return key to value, in file order
     */
    public Map<String, String> metadata() {
        return metadata;
    }

    /**
     * A metadata value.
     *
     * @param key the key, such as {@link ModelInfo#ARCHITECTURE}
     * @return the value, if present
     */
    public Optional<String> metadata(String key) {
        return Optional.ofNullable(metadata.get(key));
    }

    /**
     * The architecture name from the metadata.
     *
     * @return the name, if recorded
     */
    public Optional<String> architecture() {
        return info.architecture();
    }

    /**
     * The asnet metadata, read and checked.
     *
     * @return the information ({@link ModelInfo#EMPTY} for a model without asnet metadata)
     * @throws InvalidModelException naming the model, the key and the value when an entry is broken
     */
    public ModelInfo info() throws InvalidModelException {
        if (metadataError != null) {
            throw new InvalidModelException(source + ": malformed asnet " + metadataError.getMessage(), metadataError);
        }
        return info;
    }

    /**
     * The asnet metadata as far as it is usable: {@link #info()}, or {@link ModelInfo#EMPTY} when
     * it is broken (for readers with a fallback for every part).
     */
    ModelInfo infoOrEmpty() {
        return info;
    }

    /**
     * How the model's Active Shift layers are written: {@code custom} (the graph uses the
     * {@code dev.asnet} ActiveShift op, or ActiveShiftU8 in a quantized model), {@code portable} (GridSample) or {@code depthwise}, as the
     * {@link ModelInfo#aslLowering()} metadata says, but only when the graph really has Active
     * Shift layers: exporters record the lowering they were asked for even for networks without
     * any (the baselines), and such a model has no lowering.
     *
     * @return the lowering, or empty for a model without Active Shift layers
     */
    public Optional<String> aslLowering() {
        if (operators.keySet().stream().anyMatch(k -> k.equals(AsnetDomain.DOMAIN + ":" + AsnetDomain.ACTIVE_SHIFT)
                || k.equals(AsnetDomain.DOMAIN + ":" + AsnetDomain.ACTIVE_SHIFT_U8))) {
            return Optional.of("custom");
        }
        AslLowering m = info.aslLowering().orElse(null);
        if (m == AslLowering.PORTABLE && operators.containsKey("GridSample")) {
            return Optional.of(m.id());
        }
        // The exporter records a radius exactly when it lowered at least one layer to depthwise.
        if (m == AslLowering.DEPTHWISE && info.aslRadius().isPresent()) {
            return Optional.of(m.id());
        }
        return Optional.empty();
    }

    /**
     * Whether the file is made for one machine: an ONNX Runtime optimized graph (it has
     * {@code com.microsoft.nchwc} ops, whose blocked layout depends on the CPU) or a model written by
     * {@code asnet optimize} (the {@value NchwcRewrite#MACHINE_SPECIFIC} metadata says for what).
     *
     * @return the description, or empty for a portable model
     */
    public Optional<String> machineSpecific() {
        String m = metadata.get(NchwcRewrite.MACHINE_SPECIFIC);
        if (m != null) {
            return Optional.of(m);
        }
        int blocked = 0;
        for (Map.Entry<String, Integer> e : operators.entrySet()) {
            if (e.getKey().startsWith(NchwcOps.DOMAIN + ":")) {
                blocked += e.getValue();
            }
        }
        return blocked == 0 ? Optional.empty() : Optional.of("ONNX Runtime optimized graph with " + blocked + " "
                + NchwcOps.DOMAIN + " node" + (blocked == 1 ? "" : "s") + " (blocked layout of the CPU it was made on)");
    }

    /**
     * Trainable parameters: the {@link ModelInfo#params()} metadata when present (counted before
     * any BatchNormalization folding), otherwise the number of float initializer elements.
     *
     * @return the parameter count, {@code >= 0}; {@link CostCounter#SATURATED} when the declared
     *     dimensions give more than a {@code long} can count
     */
    public long parameters() {
        return info.params().orElse(initializerElements);
    }

    /**
     * Float elements stored in the graph's initializers (weights as stored, after any folding).
     *
     * @return the element count, saturated at {@link CostCounter#SATURATED}
     */
    public long initializerElements() {
        return initializerElements;
    }

    /**
     * Multiply-accumulates of convolutions and fully connected layers for one image: the
     * {@link ModelInfo#macs()} metadata, or counted from the graph when the exporter knows all its
     * ops.
     *
     * @return the count, if known
     */
    public OptionalLong macs() {
        return info.macs().isPresent() ? info.macs() : countedMacs;
    }

    /**
     * Width of the operator list in {@link #toString()}: the rest are counted, so that the summary
     * keeps to one line per item on a terminal.
     */
    private static final int SUMMARY_OPS_WIDTH = 90;

    /**
     * A summary of a few lines for logs and the console: source, architecture, ONNX version and
     * opsets, inputs and outputs with shapes, parameters, MACs and nodes, the most used operators,
     * the Active Shift lowering, custom domains, and anything that stops the model from being
     * portable (machine-specific graph, external data, broken metadata). For example:
     *
     * <pre>
     * model.onnx: as-resnet20-16x1, ONNX IR 8, producer asnet 0.2.0, opsets ai.onnx 17, dev.asnet 1
     *   inputs:  input: float[N, 1, 28, 28]
     *   outputs: logits: float[N, 10]
     *   size:    35,098 parameters, 4.33 M MACs per image, 71 nodes
     *   ops:     Conv 21, Relu 19, BatchNormalization 10, Add 9, dev.asnet:ActiveShift 9, ... (3 more)
     *   Active Shift lowering: custom
     *   custom domains: dev.asnet (needs the asnet op library)
     * </pre>
     *
     * @return the summary, lines separated by {@code \n}
     */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(source);
        sb.append(": ").append(info.architecture().orElse("unknown architecture"));
        sb.append(", ONNX IR ").append(irVersion);
        if (!producer.isEmpty()) {
            sb.append(", producer ").append(producer);
        }
        if (!opsetImports.isEmpty()) {
            sb.append(", opsets ");
            joinCounts(sb, opsetImports, Integer.MAX_VALUE);
        }
        sb.append("\n  inputs:  ").append(specs(inputs));
        sb.append("\n  outputs: ").append(specs(outputs));
        long params = parameters();
        sb.append("\n  size:    ").append(params == CostCounter.SATURATED ? "too many to count"
                : String.format(Locale.ROOT, "%,d", params)).append(" parameters, ");
        OptionalLong m = macs();
        sb.append(m.isPresent() ? String.format(Locale.ROOT, "%.2f M MACs per image", m.getAsLong() / 1e6)
                : "MACs unknown");
        sb.append(", ").append(nodeCount).append(nodeCount == 1 ? " node" : " nodes");
        if (!operators.isEmpty()) {
            // Most used first (name order among equals): what the network is made of at a glance.
            Map<String, Integer> byCount = new LinkedHashMap<>();
            operators.entrySet().stream()
                    .sorted((a, b) -> b.getValue().equals(a.getValue()) ? a.getKey().compareTo(b.getKey())
                            : Integer.compare(b.getValue(), a.getValue()))
                    .forEach(e -> byCount.put(e.getKey(), e.getValue()));
            sb.append("\n  ops:     ");
            joinCounts(sb, byCount, SUMMARY_OPS_WIDTH);
        }
        sb.append("\n  Active Shift lowering: ").append(aslLowering().orElse("none (no Active Shift layers)"));
        Set<String> custom = customDomains();
        sb.append("\n  custom domains: ").append(custom.isEmpty() ? "none (runs on any ONNX Runtime)"
                : String.join(", ", custom) + (custom.contains(AsnetDomain.DOMAIN) ? " (needs the asnet op library)" : ""));
        machineSpecific().ifPresent(x -> sb.append("\n  machine-specific: ").append(x));
        if (externalData) {
            sb.append("\n  weights in external data files");
        }
        if (metadataError != null) {
            sb.append("\n  broken asnet metadata: ").append(metadataError.getMessage());
        }
        return sb.toString();
    }

    private static String specs(List<ValueSpec> values) {
        if (values.isEmpty()) {
            return "none";
        }
        StringBuilder sb = new StringBuilder();
        for (ValueSpec v : values) {
            sb.append(sb.length() == 0 ? "" : ", ").append(v);
        }
        return sb.toString();
    }

    /**
     * {@code key value, key value, ... (n more)}: as many entries as fit in {@code maxChars}
     * (at least one), the rest counted.
     */
    private static void joinCounts(StringBuilder sb, Map<String, ? extends Number> entries, int maxChars) {
        int i = 0;
        int width = 0;
        for (Map.Entry<String, ? extends Number> e : entries.entrySet()) {
            String item = (i == 0 ? "" : ", ") + e.getKey() + " " + e.getValue();
            if (i > 0 && (long) width + item.length() > maxChars) {
                sb.append(", ... (").append(entries.size() - i).append(" more)");
                return;
            }
            sb.append(item);
            width += item.length();
            i++;
        }
    }
}
