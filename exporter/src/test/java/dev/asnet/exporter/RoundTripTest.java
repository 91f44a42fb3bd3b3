package dev.asnet.exporter;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.asnet.exporter.export.AslLowering;
import dev.asnet.exporter.export.ExportOptions;
import dev.asnet.exporter.export.InferenceExport;
import dev.asnet.exporter.io.OnnxReader;
import dev.asnet.exporter.io.OnnxWriter;
import dev.asnet.exporter.ir.DataType;
import dev.asnet.exporter.ir.Graph;
import dev.asnet.exporter.ir.InitializerRole;
import dev.asnet.exporter.ir.Model;
import dev.asnet.exporter.ir.Node;
import dev.asnet.exporter.ir.Shape;
import dev.asnet.exporter.ir.Tensor;
import dev.asnet.exporter.ir.Value;
import dev.asnet.exporter.ops.ConvOptions;
import dev.asnet.exporter.ops.GraphBuilder;
import dev.asnet.exporter.ops.OpRegistry;
import dev.asnet.exporter.testing.TestArrays;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Models written, read back and written again are identical, in the IR and byte for byte. */
class RoundTripTest {
    static Model smallNet() {
        Graph g = new Graph("small", OpRegistry.standard());
        GraphBuilder b = new GraphBuilder(g);
        Value x = b.input("image", DataType.FLOAT, Shape.batched("N", 3, 12, 12));
        Value w0 = b.parameter("conv0.weight", Tensor.ofFloats(TestArrays.randn(1, 8 * 27), 8, 3, 3, 3));
        Value h = b.conv("conv0", x, w0, null, ConvOptions.builder().optPad(1).build());
        h = b.batchNorm("bn0", h, b.parameter("bn0.weight", Tensor.ofFloats(new float[] {1, 2, 3, 4, 1, 1, 1, 0.5f}, 8)),
                b.parameter("bn0.bias", Tensor.ofFloats(TestArrays.randn(2, 8), 8)),
                b.buffer("bn0.running_mean", Tensor.ofFloats(TestArrays.randn(3, 8), 8)),
                b.buffer("bn0.running_var", Tensor.ofFloats(new float[] {1, 2, 0.5f, 1, 1, 3, 1, 1}, 8)), 1e-5f);
        h = b.relu(null, h);
        float[] shift = TestArrays.randn(4, 16);
        h = b.activeShift("asl", h, b.parameter("asl.shift", Tensor.ofFloats(shift, 8, 2)), 2, 2);
        h = b.globalAveragePool(null, h);
        h = b.flatten(null, h, 1);
        h = b.linear("fc", h, b.parameter("fc.weight", Tensor.ofFloats(TestArrays.randn(5, 40), 5, 8)),
                b.parameter("fc.bias", Tensor.ofFloats(new float[5], 5)));
        b.output(h, "logits");
        Model m = new Model(g);
        // Labels without a class count, one with a comma: a partial but valid asnet metadata.
        m.putMetadata(ModelInfo.ARCHITECTURE, "small").putMetadata(ModelInfo.CLASS_LABELS, "a, b\nc\nd\ne\nf");
        return m;
    }

    @Test
    void trainingFormRoundTrip(@TempDir Path dir) throws Exception {
        Model m = smallNet();
        byte[] first = OnnxWriter.toBytes(m);
        Path file = dir.resolve("small.onnx");
        Files.write(file, first);
        Model back = OnnxReader.read(file);
        assertArrayEquals(first, OnnxWriter.toBytes(back));
        Graph a = m.graph();
        Graph b = back.graph();
        assertEquals(a.nodes().size(), b.nodes().size());
        for (int i = 0; i < a.nodes().size(); i++) {
            Node na = a.nodes().get(i);
            Node nb = b.nodes().get(i);
            assertEquals(na.name(), nb.name());
            assertEquals(na.opType(), nb.opType());
            assertEquals(na.attributes(), nb.attributes());
            assertEquals(na.output().type(), nb.output().type());
            assertEquals(na.output().name(), nb.output().name());
        }
        for (int i = 0; i < a.initializers().size(); i++) {
            assertEquals(a.initializers().get(i).data(), b.initializers().get(i).data());
            assertEquals(a.initializers().get(i).role(), b.initializers().get(i).role());
        }
        assertEquals(InitializerRole.BUFFER, b.initializers().get(3).role());
        assertEquals(m.metadata(), back.metadata());
        assertEquals(java.util.List.of("a, b", "c", "d", "e", "f"),
                ModelInfo.of(back).classLabels().orElseThrow());
        // Producer and users are rebuilt too: the shift is used by the ActiveShift node only.
        Value shift = b.initializers().stream().filter(v -> v.name().equals("asl.shift")).findFirst().orElseThrow();
        assertEquals(1, shift.users().size());
        assertEquals("ActiveShift", shift.users().get(0).node().opType());
        assertNull(shift.producer());
        assertEquals("N", b.outputs().get(0).shape().dim(0).symbol());
    }

    @ParameterizedTest
    @EnumSource(AslLowering.class)
    void inferenceFormRoundTrip(AslLowering lowering) throws Exception {
        Model inf = InferenceExport.prepare(smallNet(), ExportOptions.of(lowering));
        byte[] first = OnnxWriter.toBytes(inf);
        assertArrayEquals(first, OnnxWriter.toBytes(OnnxReader.read(first)));
    }

    @Test
    void unnamedThingsGetNamesThatAvoidUserNames() {
        Graph g = new Graph("names", OpRegistry.standard());
        GraphBuilder b = new GraphBuilder(g);
        Value x = b.input("x", DataType.FLOAT, Shape.of(1, 2));
        Value r0 = b.relu(null, x);
        Value r1 = b.relu(null, r0);
        r1.setName("relu_0_out");
        b.output(r1, null);
        g.assignNames();
        assertEquals("relu_0", r0.producer().name());
        assertEquals("relu_1", r1.producer().name());
        // The user's name is kept; the generated one steps around it.
        assertEquals("relu_0_out", r1.name());
        assertEquals("relu_0_out_0", r0.name());
    }
}
