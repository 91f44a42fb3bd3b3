package dev.asnet.exporter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.asnet.exporter.count.Cost;
import dev.asnet.exporter.count.CostCounter;
import dev.asnet.exporter.export.AslLowering;
import dev.asnet.exporter.export.ExportOptions;
import dev.asnet.exporter.export.InferenceExport;
import dev.asnet.exporter.io.OnnxWriter;
import dev.asnet.exporter.ir.DataType;
import dev.asnet.exporter.ir.Graph;
import dev.asnet.exporter.ir.IrException;
import dev.asnet.exporter.ir.Model;
import dev.asnet.exporter.ir.Node;
import dev.asnet.exporter.ir.Shape;
import dev.asnet.exporter.ir.Tensor;
import dev.asnet.exporter.ir.Value;
import dev.asnet.exporter.ops.GraphBuilder;
import dev.asnet.exporter.ops.OpRegistry;
import dev.asnet.exporter.testing.OrtRunner;
import dev.asnet.exporter.testing.TestArrays;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** BN folding keeps outputs, and the cost counter counts what the published convention counts. */
class InferenceExportTest {
    @Test
    void foldingBatchNormKeepsTheOutput() throws Exception {
        ExportOptions folded = ExportOptions.builder().setLowering(AslLowering.DEPTHWISE).build();
        ExportOptions unfolded = ExportOptions.builder().setLowering(AslLowering.DEPTHWISE).optFoldBatchNorm(false).build();
        Model a = InferenceExport.prepare(RoundTripTest.smallNet(), folded);
        Model b = InferenceExport.prepare(RoundTripTest.smallNet(), unfolded);
        assertEquals(0, a.graph().nodes().stream().filter(n -> n.opType().equals("BatchNormalization")).count());
        assertEquals(1, b.graph().nodes().stream().filter(n -> n.opType().equals("BatchNormalization")).count());
        Node conv = a.graph().nodes().get(0);
        assertEquals("conv0", conv.name());
        assertEquals("conv0.bias", conv.input(2).name());
        float[] x = TestArrays.randn(11, 2 * 3 * 12 * 12);
        float[] ya = OrtRunner.PLAIN.run(OnnxWriter.toBytes(a), "image", x, 2, 3, 12, 12).get(0).data();
        float[] yb = OrtRunner.PLAIN.run(OnnxWriter.toBytes(b), "image", x, 2, 3, 12, 12).get(0).data();
        double diff = TestArrays.maxAbsDiff(ya, yb);
        assertTrue(diff < 1e-5, "folded and unfolded differ by " + diff);
        assertEquals("true", a.metadata().get(ModelInfo.BN_FOLDED));
        assertEquals("depthwise", a.metadata().get(ModelInfo.ASL_LOWERING));
    }

    @Test
    void nonFiniteShiftsAreRejectedInEveryLowering() {
        for (AslLowering lowering : AslLowering.values()) {
            Graph g = new Graph("nan_shift", OpRegistry.standard());
            GraphBuilder b = new GraphBuilder(g);
            Value x = b.input("x", DataType.FLOAT, Shape.batched("N", 2, 6, 6));
            Value shift = b.parameter("asl.shift", Tensor.ofFloats(new float[] {0.5f, 0.25f, -0.5f, Float.NaN}, 2, 2));
            b.output(b.activeShift("asl", x, shift, 1, 1), "y");
            IrException e = assertThrows(IrException.class,
                    () -> InferenceExport.prepare(new Model(g), ExportOptions.of(lowering)), lowering.id());
            assertTrue(e.getMessage().contains("'asl'") && e.getMessage().contains("shift of channel 1 is not finite"),
                    e.getMessage());
        }
    }

    @Test
    void writingAFileLeavesNoPartialFiles(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("net.onnx");
        OnnxWriter.write(RoundTripTest.smallNet(), file);
        OnnxWriter.write(RoundTripTest.smallNet(), file);  // replaces
        try (var files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList());
        }
        assertEquals(OnnxWriter.toBytes(RoundTripTest.smallNet()).length, Files.size(file));
    }

    @Test
    void costCountsWeightsBnAffineAndShiftsButNotRunningStats() {
        Cost c = CostCounter.count(RoundTripTest.smallNet().graph());
        // conv 8*3*3*3 + BN gamma/beta 2*8 + shift 8*2 + fc 5*8 + 5.
        assertEquals(216 + 16 + 16 + 45, c.params());
        assertEquals(16, c.buffers());
        // conv: 8 outputs * 12 * 12 positions * 27; fc: 5 * 8.
        assertEquals(8L * 144 * 27 + 40, c.macs());
        assertEquals(8L * 6 * 6, c.shiftSamples());
        // The export records the source's counts, not those of the folded graph.
        Model inf = InferenceExport.prepare(RoundTripTest.smallNet(), ExportOptions.of(AslLowering.CUSTOM));
        assertEquals(Long.toString(c.params()), inf.metadata().get(ModelInfo.PARAMS));
    }
}
