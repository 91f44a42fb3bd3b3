package dev.asnet.runtime.nchwc;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.asnet.exporter.export.AslLowering;
import dev.asnet.exporter.export.ExportOptions;
import dev.asnet.exporter.export.InferenceExport;
import dev.asnet.exporter.export.SpreadShifts;
import dev.asnet.exporter.io.OnnxWriter;
import dev.asnet.exporter.ir.DataType;
import dev.asnet.exporter.ir.Graph;
import dev.asnet.exporter.ir.Model;
import dev.asnet.exporter.ir.Shape;
import dev.asnet.exporter.ir.Tensor;
import dev.asnet.exporter.ir.Value;
import dev.asnet.exporter.onnx.Onnx.ModelProto;
import dev.asnet.exporter.onnx.Onnx.NodeProto;
import dev.asnet.exporter.ops.ConvOptions;
import dev.asnet.exporter.ops.GraphBuilder;
import dev.asnet.models.ModelConfig;
import dev.asnet.models.ModelZoo;
import dev.asnet.runtime.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiFunction;

/** Models for the NCHWc tests: zoo exports, the pretrained model and small graphs with ASL variants. */
final class NchwcTestModels {
    /** The pretrained model shipped in the repository (tests run in the module folder). */
    static final Path PRETRAINED = Path.of("..", "models", "pretrained", "as-resnet20-16x3-fashion-mnist.onnx");
    /** Channels of the small graphs: a multiple of every block size ONNX Runtime uses. */
    static final int C = 32;

    private NchwcTestModels() {}

    static byte[] pretrained() throws Exception {
        return Files.readAllBytes(PRETRAINED);
    }

    /** A zoo network with the custom ActiveShift op, at a small RGB or gray input. */
    static byte[] zoo(String name, int channels, int size) {
        return OnnxWriter.toBytes(InferenceExport.prepare(ModelZoo.build(name,
                ModelConfig.cifar10().toBuilder().optInput(channels, size, size).build()),
                ExportOptions.of(AslLowering.CUSTOM)));
    }

    /**
     * A zoo network whose shifts are seeded uniform in [-range, range] instead of the initialization's
     * [-1, 1] (trained ImageNet shifts span about +-4.75): blocks of many integer offsets, which
     * the blocked kernel computes through planar rows.
     */
    static byte[] zooSpread(String name, int channels, int size, float range, long seed) {
        Model m = ModelZoo.build(name, ModelConfig.cifar10().toBuilder().optInput(channels, size, size).build());
        SpreadShifts.apply(m.graph(), range, seed);
        return OnnxWriter.toBytes(InferenceExport.prepare(m, ExportOptions.of(AslLowering.CUSTOM)));
    }

    /** The block size here; skips the test where ONNX Runtime does not use NCHWc. */
    static int blockSizeOrSkip() {
        BlockSizeDetector.Result r = NchwcSupport.blockSize();
        assumeTrue(r.blockSize().isPresent(), "ONNX Runtime uses no NCHWc layout here: " + r.explanation());
        return r.blockSize().getAsInt();
    }

    /** ONNX Runtime's optimized graph of a model. */
    static ModelProto optimized(byte[] model) throws Exception {
        return ModelProto.parseFrom(OptimizedGraphs.optimize(model, true, "test model"));
    }

    /** Op counts, keyed {@code domain:op} ({@code :op} for the default domain). */
    static Map<String, Integer> ops(ModelProto m) {
        Map<String, Integer> out = new TreeMap<>();
        for (NodeProto n : m.getGraph().getNodeList()) {
            out.merge(n.getDomain() + ":" + n.getOpType(), 1, Integer::sum);
        }
        return out;
    }

    static int count(ModelProto m, String domainOp) {
        return ops(m).getOrDefault(domainOp, 0);
    }

    /**
     * A small graph: input x {@code [N, C, 8, 8]}, built by {@code body}, which gets the builder and x
     * and returns the main output.
     */
    static byte[] small(String name, BiFunction<GraphBuilder, Value, Value> body) {
        Graph g = new Graph(name, dev.asnet.exporter.ops.OpRegistry.standard());
        GraphBuilder b = new GraphBuilder(g);
        Value x = b.input("x", DataType.FLOAT, Shape.batched("N", C, 8, 8));
        b.output(body.apply(b, x), "y");
        return OnnxWriter.toBytes(new Model(g));
    }

    static Value conv(GraphBuilder b, String name, Value x) {
        float[] w = TestModels.random(name.hashCode(), C * C);
        return b.conv(name, x, b.parameter(name + ".w", Tensor.ofFloats(w, C, C, 1, 1)), null, ConvOptions.defaults());
    }

    static Value asl(GraphBuilder b, String name, Value x, int stride) {
        float[] s = TestModels.random(name.hashCode() + 7L, C * 2);
        for (int i = 0; i < s.length; i++) {
            s[i] *= 2.5f;
        }
        return b.activeShift(name, x, b.parameter(name + ".shift", Tensor.ofFloats(s, C, 2)), stride, stride);
    }
}
