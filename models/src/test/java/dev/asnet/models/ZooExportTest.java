package dev.asnet.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.asnet.exporter.ModelInfo;
import dev.asnet.exporter.export.AslLowering;
import dev.asnet.exporter.export.ExportOptions;
import dev.asnet.exporter.export.InferenceExport;
import dev.asnet.exporter.io.OnnxReader;
import dev.asnet.exporter.io.OnnxWriter;
import dev.asnet.exporter.ir.Model;
import dev.asnet.exporter.onnx.Onnx.ModelProto;
import dev.asnet.exporter.testing.OrtRunner;
import dev.asnet.exporter.testing.TestArrays;
import dev.asnet.ops.testing.OpSessions;
import java.util.EnumMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every zoo model in every lowering: exports, loads in ONNX Runtime (the portable and depthwise
 * forms without the asnet library), gives [N, classes], agrees with the custom form, and reads
 * back to identical bytes. ImageNet-size networks run at 64x64 here to keep the suite fast; the
 * default 224x224 is covered by {@link DefaultInputTest}.
 */
class ZooExportTest {
    static Stream<String> names() {
        return ModelZoo.names().stream();
    }

    /** Largest |custom - other| allowed, relative to max(1, max |custom output|). */
    private static double tolerance(AslLowering l) {
        return l == AslLowering.PORTABLE ? 1e-4 : 1e-5;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void everyLoweringRunsAndAgrees(String name) throws Exception {
        Architecture arch = ModelZoo.get(name);
        ModelConfig config = arch.defaultConfig();
        if (config.height() > 64) {
            config = config.toBuilder().optInput(config.channels(), 64, 64).build();
        }
        Model source = arch.build(config);
        byte[] training = OnnxWriter.toBytes(source);
        assertArrayEquals(training, OnnxWriter.toBytes(OnnxReader.read(training)), name + " training form round trip");
        int n = 2;
        float[] x = TestArrays.randn(name.hashCode(), n * config.channels() * config.height() * config.width());
        Map<AslLowering, float[]> outputs = new EnumMap<>(AslLowering.class);
        for (AslLowering lowering : AslLowering.values()) {
            Model inference = InferenceExport.prepare(source, ExportOptions.of(lowering));
            byte[] bytes = OnnxWriter.toBytes(inference);
            assertArrayEquals(bytes, OnnxWriter.toBytes(OnnxReader.read(bytes)), name + " " + lowering + " round trip");
            ModelProto proto = ModelProto.parseFrom(bytes);
            boolean usesCustomDomain = proto.getOpsetImportList().stream().anyMatch(o -> o.getDomain().equals("dev.asnet"));
            boolean hasShift = source.graph().nodes().stream().anyMatch(nd -> nd.opType().equals("ActiveShift"));
            assertEquals(lowering == AslLowering.CUSTOM && hasShift, usesCustomDomain, name + " " + lowering + " opsets");
            assertFalse(inference.graph().nodes().stream().anyMatch(nd -> nd.opType().equals("BatchNormalization")
                    && nd.input(0).producer() != null && nd.input(0).producer().opType().equals("Conv")
                    && nd.input(0).users().size() == 1), name + ": a foldable BN was left");
            assertEquals(lowering.id(), inference.metadata().get(ModelInfo.ASL_LOWERING));
            // Only the custom lowering gets the op library: the others must run as standard ONNX.
            OrtRunner runner = lowering == AslLowering.CUSTOM ? OpSessions.WITH_OPS : OpSessions.PLAIN;
            OrtRunner.Output out = runner.run(bytes, "input", x, n, config.channels(), config.height(), config.width())
                    .get(0);
            assertArrayEquals(new long[] {n, config.numClasses()}, out.shape(), name + " " + lowering + " output shape");
            outputs.put(lowering, out.data());
        }
        float[] ref = outputs.get(AslLowering.CUSTOM);
        double scale = Math.max(1, TestArrays.maxAbs(ref));
        for (AslLowering l : new AslLowering[] {AslLowering.DEPTHWISE, AslLowering.PORTABLE}) {
            double diff = TestArrays.maxAbsDiff(ref, outputs.get(l)) / scale;
            System.out.printf("%-20s %-9s relative diff %.2e (scale %.3g)%n", name, l.id(), diff, scale);
            assertTrue(diff <= tolerance(l), name + ": " + l + " differs from custom by " + diff + " (relative to " + scale
                    + "), limit " + tolerance(l));
        }
    }
}
