package dev.asnet.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.asnet.exporter.ModelInfo;
import dev.asnet.exporter.export.AslLowering;
import dev.asnet.exporter.export.ExportOptions;
import dev.asnet.exporter.io.OnnxWriter;
import dev.asnet.exporter.ir.InitializerRole;
import dev.asnet.exporter.ir.Model;
import dev.asnet.exporter.ir.Node;
import dev.asnet.exporter.ir.Value;
import dev.asnet.exporter.testing.OrtRunner;
import dev.asnet.exporter.testing.TestArrays;
import dev.asnet.ops.testing.OpSessions;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The registry, configuration overrides, metadata and seeded initialization. */
class ModelZooTest {
    @Test
    void registryHasEveryNetworkOfTheIssue() {
        List<String> names = ModelZoo.names();
        for (String n : List.of("as-resnet-w32", "as-resnet-w50", "as-resnet-w68", "as-resnet20-16x1", "as-resnet20-16x3",
                "as-resnet20-16x6", "as-resnet20-16x9", "as-resnet20-46x1", "as-resnet20-88x1", "shiftresnet20-16x1",
                "shiftresnet20-88x1", "dwresnet20-16x9", "mobilenetv2-1.0", "mobilenetv2-0.75", "mobilenetv2-0.5",
                "mobilenetv2-cifar", "shiftnet-a", "shiftnet-b", "shiftnet-c")) {
            assertTrue(names.contains(n), "missing " + n);
        }
        assertEquals(3 + 3 * 6 + 4 + 3, names.size());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelZoo.get("resnet50"));
        assertTrue(e.getMessage().startsWith("unknown model 'resnet50'; known models: as-resnet-w32, "), e.getMessage());
    }

    @Test
    void fashionMnistInputRuns() throws Exception {
        ModelConfig fm = ModelConfig.fashionMnist();
        Model m = ModelZoo.get("as-resnet20-16x3").buildForInference(fm, ExportOptions.of(AslLowering.DEPTHWISE));
        assertEquals("1,28,28", m.metadata().get(ModelInfo.INPUT_SHAPE));
        assertEquals("0.286", m.metadata().get(ModelInfo.CHANNEL_MEAN));
        assertEquals(ModelConfig.FASHION_MNIST_LABELS,
                ModelInfo.of(m).classLabels().orElseThrow());
        OrtRunner.Output out = OpSessions.PLAIN.run(OnnxWriter.toBytes(m), "input",
                TestArrays.randn(5, 4 * 28 * 28), 4, 1, 28, 28).get(0);
        assertArrayEquals(new long[] {4, 10}, out.shape());
    }

    @Test
    void overridesChangeInputAndClasses() {
        ModelConfig c = ModelConfig.imagenet().toBuilder().optInput(1, 96, 80).optNumClasses(7).build();
        Model m = ModelZoo.build("mobilenetv2-0.5", c);
        Value in = m.graph().inputs().get(0);
        assertEquals("[N, 1, 96, 80]", in.shape().toString());
        assertEquals("[N, 7]", m.graph().outputs().get(0).shape().toString());
        // A channel count other than the preset's resets the normalization to the identity.
        assertEquals("0.0", m.metadata().get(ModelInfo.CHANNEL_MEAN));
        assertEquals("1.0", m.metadata().get(ModelInfo.CHANNEL_STD));
        assertFalse(m.metadata().containsKey(ModelInfo.CLASS_LABELS));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelConfig.imagenet().toBuilder()
                .optChannelStats(new float[] {0.5f}, new float[] {0.5f}).build());
        assertEquals("channel mean/std have 1/1 values but the input has 3 channels", e.getMessage());
    }

    @Test
    void metadataDescribesTheModel() {
        Model m = ModelZoo.build("as-resnet20-16x1");
        assertEquals("as-resnet20-16x1", m.metadata().get(ModelInfo.ARCHITECTURE));
        assertEquals("input", m.metadata().get(ModelInfo.INPUT_NAME));
        assertEquals("logits", m.metadata().get(ModelInfo.OUTPUT_NAME));
        assertEquals("3,32,32", m.metadata().get(ModelInfo.INPUT_SHAPE));
        assertArrayEquals(new float[] {0.4914f, 0.4822f, 0.4465f},
                ModelInfo.of(m).input().orElseThrow().mean());
        assertEquals("10", m.metadata().get(ModelInfo.NUM_CLASSES));
        assertEquals(ModelConfig.CIFAR10_LABELS, ModelInfo.of(m).classLabels().orElseThrow());
        assertEquals(dev.asnet.exporter.AsnetVersion.VERSION, m.metadata().get(ModelInfo.ASNET_VERSION));
        assertFalse(dev.asnet.exporter.AsnetVersion.VERSION.contains("${"), "version was not filtered");
        Model inf = ModelZoo.get("as-resnet20-16x1").buildForInference(ModelConfig.cifar10(),
                ExportOptions.of(AslLowering.DEPTHWISE));
        assertEquals("depthwise", inf.metadata().get(ModelInfo.ASL_LOWERING));
        assertEquals(m.metadata().get(ModelInfo.PARAMS), inf.metadata().get(ModelInfo.PARAMS));
        int r = Integer.parseInt(inf.metadata().get(ModelInfo.ASL_RADIUS));
        assertEquals(1, r, "fresh shifts lie in [-1, 1]");
    }

    @Test
    void initializationIsSeededAndFollowsTheReference() {
        byte[] a = OnnxWriter.toBytes(ModelZoo.build("as-resnet20-16x1"));
        byte[] b = OnnxWriter.toBytes(ModelZoo.build("as-resnet20-16x1"));
        assertArrayEquals(a, b);
        ModelConfig other = ModelConfig.cifar10().toBuilder().optSeed(1).build();
        assertFalse(java.util.Arrays.equals(a, OnnxWriter.toBytes(ModelZoo.build("as-resnet20-16x1", other))));
        Model m = ModelZoo.build("as-resnet20-16x9");
        for (Value v : m.graph().initializers()) {
            if (v.name().endsWith(".shift")) {
                for (float s : v.data().floats()) {
                    assertTrue(s >= -1 && s <= 1, v.name() + " shift " + s);
                }
                assertEquals(InitializerRole.PARAMETER, v.role());
            }
        }
        // He init: the sample std of a big conv weight is close to sqrt(2 / fan_in).
        Value w = m.graph().initializers().stream().filter(v -> v.name().equals("stage2.block1.conv1.weight"))
                .findFirst().orElseThrow();
        float[] d = w.data().floats();
        double sq = 0;
        for (float f : d) {
            sq += f * f;
        }
        double fanIn = w.data().dims()[1];
        assertEquals(Math.sqrt(2 / fanIn), Math.sqrt(sq / d.length), 0.03 * Math.sqrt(2 / fanIn));
    }

    @Test
    void shiftNetShiftsAreFixedIntegerGroups() {
        Model m = ModelZoo.build("shiftresnet20-16x1");
        Node shift = m.graph().nodes().stream().filter(n -> n.opType().equals("ActiveShift")).findFirst().orElseThrow();
        Value s = shift.input(1);
        assertEquals(InitializerRole.CONSTANT, s.role());
        float[] v = s.data().floats();
        // 16 channels in 9 groups of a 3x3 neighbourhood: channel 0 moves by (-1, -1), the last by (1, 1).
        assertEquals(-1f, v[0]);
        assertEquals(-1f, v[1]);
        assertEquals(1f, v[v.length - 2]);
        assertEquals(1f, v[v.length - 1]);
        for (float f : v) {
            assertEquals(Math.rint(f), f, 0f);
        }
    }
}
