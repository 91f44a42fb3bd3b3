package dev.asnet.exporter.io;

import dev.asnet.exporter.ir.Attribute;
import dev.asnet.exporter.ir.Dim;
import dev.asnet.exporter.ir.Graph;
import dev.asnet.exporter.ir.IrException;
import dev.asnet.exporter.ir.Model;
import dev.asnet.exporter.ir.Node;
import dev.asnet.exporter.ir.Tensor;
import dev.asnet.exporter.ir.Value;
import dev.asnet.exporter.onnx.Onnx.AttributeProto;
import dev.asnet.exporter.onnx.Onnx.GraphProto;
import dev.asnet.exporter.onnx.Onnx.ModelProto;
import dev.asnet.exporter.onnx.Onnx.NodeProto;
import dev.asnet.exporter.onnx.Onnx.OperatorSetIdProto;
import dev.asnet.exporter.onnx.Onnx.StringStringEntryProto;
import dev.asnet.exporter.onnx.Onnx.TensorProto;
import dev.asnet.exporter.onnx.Onnx.TensorShapeProto;
import dev.asnet.exporter.onnx.Onnx.TypeProto;
import dev.asnet.exporter.onnx.Onnx.ValueInfoProto;
import dev.asnet.shaded.protobuf.ByteString;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Serializes a {@link Model} to ONNX: names what is unnamed, imports exactly the opsets of the ops
 * used (checking each op exists in the chosen standard opset), writes initializers as
 * little-endian {@code raw_data} with their role in {@code doc_string}, records every
 * intermediate value's type in {@code value_info}, and copies the metadata.
 */
public final class OnnxWriter {
    private OnnxWriter() {}

    /**
     * Builds the ONNX message.
     *
     * @param model the model
     * @return the message
     * @throws IrException if the graph is incomplete or uses an op newer than the model's opset
     */
    public static ModelProto toProto(Model model) {
        Graph g = model.graph();
        g.validate();
        g.assignNames();
        ModelProto.Builder m = ModelProto.newBuilder()
                .setIrVersion(model.irVersion())
                .setProducerName(model.producerName())
                .setProducerVersion(model.producerVersion());
        for (Map.Entry<String, Integer> e : opsets(model).entrySet()) {
            m.addOpsetImport(OperatorSetIdProto.newBuilder().setDomain(e.getKey()).setVersion(e.getValue()));
        }
        m.setGraph(graph(g));
        for (Map.Entry<String, String> e : model.metadata().entrySet()) {
            m.addMetadataProps(StringStringEntryProto.newBuilder().setKey(e.getKey()).setValue(e.getValue()));
        }
        return m.build();
    }

    /**
     * Serializes to bytes.
     *
     * @param model the model
     * @return the ONNX file contents
     */
    public static byte[] toBytes(Model model) {
        return toProto(model).toByteArray();
    }

    /**
     * Writes an ONNX file atomically: readers see the old file or the complete new one, never a
     * partial one (the bytes go to a temporary file in the same folder, which is then renamed).
     *
     * @param model the model
     * @param path the file to write
     * @throws IOException if writing fails
     */
    public static void write(Model model, Path path) throws IOException {
        AtomicFiles.write(path, toBytes(model));
    }

    /** Domain to version, standard domain first, in order of first use. */
    private static Map<String, Integer> opsets(Model model) {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (Node n : model.graph().nodes()) {
            int since = n.schema().sinceVersion();
            if (n.domain().isEmpty()) {
                if (since > model.opsetVersion()) {
                    throw new IrException(n.describe() + ": needs opset >= " + since + " but the model targets opset "
                            + model.opsetVersion());
                }
                out.put("", model.opsetVersion());
            }
        }
        for (Node n : model.graph().nodes()) {
            if (!n.domain().isEmpty()) {
                out.merge(n.domain(), n.schema().sinceVersion(), Math::max);
            }
        }
        return out;
    }

    private static GraphProto graph(Graph g) {
        GraphProto.Builder b = GraphProto.newBuilder().setName(g.name());
        for (Node n : g.nodes()) {
            b.addNode(node(n));
        }
        for (Value v : g.initializers()) {
            b.addInitializer(tensor(v.name(), v.data()).setDocString(v.role().docString()));
        }
        for (Value v : g.inputs()) {
            b.addInput(valueInfo(v));
        }
        Set<Value> outputs = new HashSet<>(g.outputs());
        for (Value v : g.outputs()) {
            b.addOutput(valueInfo(v));
        }
        for (Node n : g.nodes()) {
            for (Value v : n.outputs()) {
                if (!outputs.contains(v)) {
                    b.addValueInfo(valueInfo(v));
                }
            }
        }
        return b.build();
    }

    private static NodeProto node(Node n) {
        NodeProto.Builder b = NodeProto.newBuilder().setName(n.name()).setOpType(n.opType()).setDomain(n.domain());
        for (Value v : n.inputs()) {
            b.addInput(v == null ? "" : v.name());
        }
        for (Value v : n.outputs()) {
            b.addOutput(v.name());
        }
        for (Attribute a : n.attributes().values()) {
            b.addAttribute(attribute(a));
        }
        return b.build();
    }

    private static AttributeProto attribute(Attribute a) {
        AttributeProto.Builder b = AttributeProto.newBuilder().setName(a.name())
                .setType(AttributeProto.AttributeType.forNumber(a.type().onnxCode()));
        switch (a.type()) {
            case INT -> b.setI(a.asInt());
            case FLOAT -> b.setF(a.asFloat());
            case STRING -> b.setS(ByteString.copyFromUtf8(a.asString()));
            case INTS -> {
                for (long v : a.asInts()) {
                    b.addInts(v);
                }
            }
            case FLOATS -> {
                for (float v : a.asFloats()) {
                    b.addFloats(v);
                }
            }
            default -> throw new IllegalStateException("unhandled attribute type " + a.type());
        }
        return b.build();
    }

    /**
     * Encodes tensor data as an ONNX TensorProto with little-endian raw data.
     *
     * @param name the tensor name
     * @param t the data
     * @return the builder, for callers that add a doc string
     */
    public static TensorProto.Builder tensor(String name, Tensor t) {
        TensorProto.Builder b = TensorProto.newBuilder().setName(name).setDataType(t.type().onnxCode())
                .setRawData(ByteString.copyFrom(t.toRawData()));
        for (long d : t.dims()) {
            b.addDims(d);
        }
        return b;
    }

    private static ValueInfoProto valueInfo(Value v) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (Dim d : v.shape().dims()) {
            TensorShapeProto.Dimension.Builder db = TensorShapeProto.Dimension.newBuilder();
            if (d.isKnown()) {
                db.setDimValue(d.value());
            } else if (d.isSymbolic()) {
                db.setDimParam(d.symbol());
            }
            shape.addDim(db);
        }
        TypeProto.Tensor.Builder t = TypeProto.Tensor.newBuilder().setElemType(v.dataType().onnxCode()).setShape(shape);
        return ValueInfoProto.newBuilder().setName(v.name()).setType(TypeProto.newBuilder().setTensorType(t)).build();
    }
}
