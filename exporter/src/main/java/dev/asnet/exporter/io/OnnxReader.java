package dev.asnet.exporter.io;

import dev.asnet.exporter.ir.Attribute;
import dev.asnet.exporter.ir.AttributeType;
import dev.asnet.exporter.ir.DataType;
import dev.asnet.exporter.ir.Dim;
import dev.asnet.exporter.ir.Graph;
import dev.asnet.exporter.ir.InitializerRole;
import dev.asnet.exporter.ir.IrException;
import dev.asnet.exporter.ir.Model;
import dev.asnet.exporter.ir.Node;
import dev.asnet.exporter.ir.Shape;
import dev.asnet.exporter.ir.Tensor;
import dev.asnet.exporter.ir.Value;
import dev.asnet.exporter.ir.ValueType;
import dev.asnet.exporter.onnx.Onnx.AttributeProto;
import dev.asnet.exporter.onnx.Onnx.GraphProto;
import dev.asnet.exporter.onnx.Onnx.ModelProto;
import dev.asnet.exporter.onnx.Onnx.NodeProto;
import dev.asnet.exporter.onnx.Onnx.OperatorSetIdProto;
import dev.asnet.exporter.onnx.Onnx.StringStringEntryProto;
import dev.asnet.exporter.onnx.Onnx.TensorProto;
import dev.asnet.exporter.onnx.Onnx.TensorShapeProto;
import dev.asnet.exporter.onnx.Onnx.ValueInfoProto;
import dev.asnet.exporter.ops.OpRegistry;
import dev.asnet.shaded.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Rebuilds the IR from an ONNX model. Every node is added through {@link Graph#addNode}, so it is
 * validated and its output types inferred exactly as when it was built; declared types in {@code
 * value_info} and graph outputs must agree with the inferred ones. Reading what {@link OnnxWriter}
 * wrote and writing it again gives the same bytes.
 */
public final class OnnxReader {
    private OnnxReader() {}

    /**
     * Reads an ONNX file.
     *
     * @param path the file
     * @return the model
     * @throws IOException if reading or parsing fails ({@link InvalidProtocolBufferException} for
     *     bytes that are not a protobuf)
     * @throws IrException if the model uses something asnet does not support or is inconsistent
     */
    public static Model read(Path path) throws IOException {
        return read(Files.readAllBytes(path));
    }

    /**
     * Parses ONNX bytes.
     *
     * <p>Any byte string gives either a model or one of the two exceptions below, never another
     * exception: protobuf checks every length against the bytes actually present before it
     * allocates, and asnet's own arrays are sized from data already parsed.
     *
     * @param bytes the file contents
     * @return the model
     * @throws InvalidProtocolBufferException if the bytes are not a protobuf message
     * @throws IrException if the model uses something asnet does not support or is inconsistent
     */
    public static Model read(byte[] bytes) throws InvalidProtocolBufferException {
        return fromProto(ModelProto.parseFrom(bytes));
    }

    /**
     * Converts an ONNX message.
     *
     * @param proto the message
     * @return the model
     * @throws IrException if the model uses something asnet does not support or is inconsistent
     */
    public static Model fromProto(ModelProto proto) {
        return fromProto(proto, OpRegistry.standard());
    }

    /**
     * Converts an ONNX message using a given op registry.
     *
     * @param proto the message
     * @param registry the op schemas
     * @return the model
     */
    public static Model fromProto(ModelProto proto, OpRegistry registry) {
        try {
            return convert(proto, registry);
        } catch (IrException e) {
            throw e;
        } catch (RuntimeException e) {
            // Checks deeper in the IR (tensor sizes, dimensions, attribute values) throw
            // IllegalArgumentException and the like; for a model read from a file they all mean the
            // same thing, an inconsistent model, and callers handle exactly IrException.
            throw new IrException("the model is inconsistent: " + e.getMessage(), e);
        }
    }

    private static Model convert(ModelProto proto, OpRegistry registry) {
        Graph graph = graph(proto.getGraph(), registry);
        Model model = new Model(graph).setIrVersion((int) proto.getIrVersion())
                .setProducer(proto.getProducerName(), proto.getProducerVersion());
        for (OperatorSetIdProto o : proto.getOpsetImportList()) {
            if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
                model.setOpsetVersion((int) o.getVersion());
            }
        }
        for (StringStringEntryProto e : proto.getMetadataPropsList()) {
            model.putMetadata(e.getKey(), e.getValue());
        }
        return model;
    }

    private static Graph graph(GraphProto gp, OpRegistry registry) {
        Graph g = new Graph(gp.getName().isEmpty() ? "graph" : gp.getName(), registry);
        Map<String, Value> scope = new HashMap<>();
        Set<String> initializerNames = new HashSet<>();
        for (TensorProto t : gp.getInitializerList()) {
            initializerNames.add(t.getName());
        }
        for (ValueInfoProto vi : gp.getInputList()) {
            // Old-style models list initializers as inputs too; the initializer wins.
            if (!initializerNames.contains(vi.getName())) {
                scope.put(vi.getName(), g.addInput(vi.getName(), dataType(vi), shape(vi)));
            }
        }
        for (TensorProto t : gp.getInitializerList()) {
            Tensor data = tensor(t);
            InitializerRole fallback = data.type() == DataType.FLOAT ? InitializerRole.PARAMETER : InitializerRole.CONSTANT;
            scope.put(t.getName(), g.addInitializer(t.getName(), data,
                    InitializerRole.fromDocString(t.getDocString(), fallback)));
        }
        Map<String, ValueInfoProto> declared = new HashMap<>();
        for (ValueInfoProto vi : gp.getValueInfoList()) {
            declared.put(vi.getName(), vi);
        }
        for (ValueInfoProto vi : gp.getOutputList()) {
            declared.put(vi.getName(), vi);
        }
        for (NodeProto np : gp.getNodeList()) {
            String who = Node.describe(np.getOpType(), np.getName().isEmpty() ? null : np.getName(), g.nodes().size());
            List<Value> inputs = new ArrayList<>();
            for (int i = 0; i < np.getInputCount(); i++) {
                String name = np.getInput(i);
                if (name.isEmpty()) {
                    inputs.add(null);
                    continue;
                }
                Value v = scope.get(name);
                if (v == null) {
                    throw new IrException(who + ": input " + i + " '" + name
                            + "' is dangling: no graph input, initializer or earlier node output has that name");
                }
                inputs.add(v);
            }
            List<Attribute> attrs = new ArrayList<>();
            for (AttributeProto ap : np.getAttributeList()) {
                attrs.add(attribute(who, ap));
            }
            Node node = g.addNode(np.getDomain(), np.getOpType(), np.getName().isEmpty() ? null : np.getName(), inputs, attrs);
            if (np.getOutputCount() != node.outputs().size()) {
                throw new IrException(who + ": lists " + np.getOutputCount() + " outputs but the op produces "
                        + node.outputs().size());
            }
            for (int i = 0; i < np.getOutputCount(); i++) {
                Value out = node.outputs().get(i);
                out.setName(np.getOutput(i));
                scope.put(np.getOutput(i), out);
                ValueInfoProto vi = declared.get(np.getOutput(i));
                if (vi != null) {
                    checkDeclared(who, out, vi);
                }
            }
        }
        for (ValueInfoProto vi : gp.getOutputList()) {
            Value v = scope.get(vi.getName());
            if (v == null) {
                throw new IrException("graph '" + g.name() + "': output '" + vi.getName() + "' is dangling: nothing produces it");
            }
            g.addOutput(v);
        }
        return g;
    }

    private static void checkDeclared(String who, Value v, ValueInfoProto vi) {
        ValueType declared = new ValueType(dataType(vi), shape(vi));
        Shape inferred = v.shape();
        boolean ok = declared.dataType() == v.dataType() && declared.shape().rank() == inferred.rank();
        for (int i = 0; ok && i < inferred.rank(); i++) {
            ok = declared.shape().dim(i).compatible(inferred.dim(i));
        }
        if (!ok) {
            throw new IrException(who + ": output '" + vi.getName() + "' is declared " + declared + " but inferred " + v.type());
        }
    }

    private static DataType dataType(ValueInfoProto vi) {
        if (!vi.getType().hasTensorType()) {
            throw new IrException("value '" + vi.getName() + "' is not a tensor; asnet reads tensor values only");
        }
        return DataType.fromOnnx(vi.getType().getTensorType().getElemType());
    }

    private static Shape shape(ValueInfoProto vi) {
        if (!vi.getType().getTensorType().hasShape()) {
            throw new IrException("value '" + vi.getName() + "' has no shape; asnet needs at least the rank");
        }
        List<Dim> dims = new ArrayList<>();
        for (TensorShapeProto.Dimension d : vi.getType().getTensorType().getShape().getDimList()) {
            dims.add(d.hasDimValue() ? Dim.of(d.getDimValue())
                    : d.hasDimParam() && !d.getDimParam().isEmpty() ? Dim.symbolic(d.getDimParam()) : Dim.unknown());
        }
        return Shape.of(dims);
    }

    /**
     * Decodes an ONNX tensor (raw data or the typed repeated fields).
     *
     * @param t the tensor message
     * @return the data
     */
    public static Tensor tensor(TensorProto t) {
        if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL || t.getExternalDataCount() > 0) {
            // Without this the tensor would silently read as empty (no data in the message).
            throw new IrException("tensor '" + t.getName() + "' stores its data in an external file; asnet reads "
                    + "only models whose tensors are stored in the model");
        }
        DataType type = DataType.fromOnnx(t.getDataType());
        long[] dims = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
        if (t.hasRawData()) {
            return Tensor.fromRawData(type, t.getRawData().toByteArray(), dims);
        }
        if (type == DataType.FLOAT) {
            float[] f = new float[t.getFloatDataCount()];
            for (int i = 0; i < f.length; i++) {
                f[i] = t.getFloatData(i);
            }
            return Tensor.ofFloats(f, dims);
        }
        if (type.isSmallInteger()) {
            // ONNX stores uint8, int8 and int32 elements in int32_data when not in raw_data.
            return Tensor.ofInts(type, t.getInt32DataList().stream().mapToInt(Integer::intValue).toArray(), dims);
        }
        return Tensor.ofLongs(t.getInt64DataList().stream().mapToLong(Long::longValue).toArray(), dims);
    }

    private static Attribute attribute(String who, AttributeProto a) {
        AttributeType type;
        try {
            type = AttributeType.fromOnnx(a.getType().getNumber());
        } catch (IrException e) {
            throw new IrException(who + ": attribute '" + a.getName() + "' has unsupported type " + a.getType());
        }
        return switch (type) {
            case INT -> Attribute.ofInt(a.getName(), a.getI());
            case FLOAT -> Attribute.ofFloat(a.getName(), a.getF());
            case STRING -> Attribute.ofString(a.getName(), a.getS().toStringUtf8());
            case INTS -> Attribute.ofInts(a.getName(), a.getIntsList().stream().mapToLong(Long::longValue).toArray());
            case FLOATS -> {
                float[] f = new float[a.getFloatsCount()];
                for (int i = 0; i < f.length; i++) {
                    f[i] = a.getFloats(i);
                }
                yield Attribute.ofFloats(a.getName(), f);
            }
        };
    }
}
