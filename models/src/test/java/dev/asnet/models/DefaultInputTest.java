package dev.asnet.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.asnet.exporter.ModelInfo;
import dev.asnet.exporter.export.AslLowering;
import dev.asnet.exporter.export.ExportOptions;
import dev.asnet.exporter.io.OnnxWriter;
import dev.asnet.exporter.ir.Model;
import dev.asnet.exporter.testing.OrtRunner;
import dev.asnet.exporter.testing.TestArrays;
import dev.asnet.ops.testing.OpSessions;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The ImageNet networks at their real input size, once each (batch 1, custom lowering). */
class DefaultInputTest {
    static Stream<String> imagenetNames() {
        return ModelZoo.all().stream().filter(a -> a.defaultConfig().height() == 224).map(Architecture::name);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("imagenetNames")
    void runsAt224(String name) throws Exception {
        Architecture arch = ModelZoo.get(name);
        Model m = arch.buildForInference(arch.defaultConfig(), ExportOptions.of(AslLowering.CUSTOM));
        assertEquals("3,224,224", m.metadata().get(ModelInfo.INPUT_SHAPE));
        assertEquals("1000", m.metadata().get(ModelInfo.NUM_CLASSES));
        OrtRunner.Output out = OpSessions.WITH_OPS.run(OnnxWriter.toBytes(m), "input",
                TestArrays.randn(224, 3 * 224 * 224), 1, 3, 224, 224).get(0);
        assertArrayEquals(new long[] {1, 1000}, out.shape());
        for (float v : out.data()) {
            if (!Float.isFinite(v)) {
                throw new AssertionError(name + " produced a non-finite logit " + v);
            }
        }
    }
}
