package dev.asnet.exporter;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.asnet.exporter.export.AslLowering;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelInfoTest {
    private static ModelInfo everything() {
        return ModelInfo.builder().architecture("as-resnet20-16x3").inputOutputNames("input", "logits")
                .input(new InputSpec(3, 32, 24, new float[] {0.4914f, 0.4822f, 0.4465f},
                        new float[] {0.247f, 0.2435f, 0.2616f}))
                .classes(3, List.of("cat, small", "dog", "")).cost(97_178, 12_356_480)
                .asl(AslLowering.DEPTHWISE, 4).bnFolded(true).asnetVersion("0.1.0")
                .trained(new TrainingInfo("fashion-mnist", 20, 0.9416)).otherKey("asnet.machine", "x86-64 avx512")
                .otherKey("author", "someone").build();
    }

    private static Map<String, String> valid() {
        return new LinkedHashMap<>(everything().toMetadata());
    }

    private static MetadataException broken(String key, String value) {
        Map<String, String> m = valid();
        if (value == null) {
            m.remove(key);
        } else {
            m.put(key, value);
        }
        return assertThrows(MetadataException.class, () -> ModelInfo.fromMetadata(m), key + " = " + value);
    }

    private static void assertNames(MetadataException e, String key, String value) {
        assertEquals(key, e.key());
        assertTrue(e.getMessage().contains(key), e.getMessage());
        if (value != null) {
            assertTrue(e.getMessage().contains("'" + value + "'"), e.getMessage());
        }
    }

    @Test
    void everyFieldSurvivesTheRoundTrip() {
        ModelInfo info = everything();
        ModelInfo back = ModelInfo.fromMetadata(info.toMetadata());
        assertEquals(info, back);
        assertEquals(info.toMetadata(), back.toMetadata());
        assertEquals("as-resnet20-16x3", back.architecture().orElseThrow());
        assertEquals("input", back.inputName().orElseThrow());
        assertEquals("logits", back.outputName().orElseThrow());
        InputSpec in = back.input().orElseThrow();
        assertEquals(3, in.channels());
        assertEquals(32, in.height());
        assertEquals(24, in.width());
        assertArrayEquals(new float[] {0.4914f, 0.4822f, 0.4465f}, in.mean());
        assertArrayEquals(new float[] {0.247f, 0.2435f, 0.2616f}, in.std());
        assertEquals(3, back.numClasses().getAsInt());
        assertEquals(List.of("cat, small", "dog", ""), back.classLabels().orElseThrow());
        assertEquals(97_178, back.params().getAsLong());
        assertEquals(12_356_480, back.macs().getAsLong());
        assertEquals(AslLowering.DEPTHWISE, back.aslLowering().orElseThrow());
        assertEquals(4, back.aslRadius().getAsInt());
        assertEquals(true, back.bnFolded().orElseThrow());
        assertEquals("0.1.0", back.asnetVersion().orElseThrow());
        assertEquals(new TrainingInfo("fashion-mnist", 20, 0.9416), back.trained().orElseThrow());
        assertEquals(Map.of("asnet.machine", "x86-64 avx512", "author", "someone"), back.otherKeys());
    }

    @Test
    void valuesAreWrittenAsAsnetAlwaysWroteThemInTheHistoricalKeyOrder() {
        Map<String, String> m = everything().toMetadata();
        assertEquals(List.of(ModelInfo.ARCHITECTURE, ModelInfo.INPUT_NAME, ModelInfo.OUTPUT_NAME, ModelInfo.INPUT_SHAPE,
                ModelInfo.CHANNEL_MEAN, ModelInfo.CHANNEL_STD, ModelInfo.NUM_CLASSES, ModelInfo.CLASS_LABELS,
                ModelInfo.PARAMS, ModelInfo.MACS, ModelInfo.ASL_LOWERING, ModelInfo.ASNET_VERSION,
                ModelInfo.TRAINED_DATASET, ModelInfo.TRAINED_EPOCHS, ModelInfo.TRAINED_TEST_ACCURACY,
                ModelInfo.ASL_RADIUS, ModelInfo.BN_FOLDED, "asnet.machine", "author"), List.copyOf(m.keySet()));
        assertEquals("3,32,24", m.get(ModelInfo.INPUT_SHAPE));
        assertEquals("0.4914,0.4822,0.4465", m.get(ModelInfo.CHANNEL_MEAN));
        assertEquals("cat, small\ndog\n", m.get(ModelInfo.CLASS_LABELS));
        assertEquals("depthwise", m.get(ModelInfo.ASL_LOWERING));
        assertEquals("true", m.get(ModelInfo.BN_FOLDED));
        assertEquals("0.9416", m.get(ModelInfo.TRAINED_TEST_ACCURACY));
    }

    @Test
    void absentKeysLeaveTheirPartEmpty() {
        assertEquals(ModelInfo.EMPTY, ModelInfo.fromMetadata(Map.of()));
        assertTrue(ModelInfo.EMPTY.toMetadata().isEmpty());
        ModelInfo labelsOnly = ModelInfo.fromMetadata(Map.of(ModelInfo.CLASS_LABELS, "a\nb"));
        assertEquals(List.of("a", "b"), labelsOnly.classLabels().orElseThrow());
        assertTrue(labelsOnly.numClasses().isEmpty() && labelsOnly.input().isEmpty() && labelsOnly.trained().isEmpty());
    }

    @Test
    void aShapeWithoutNormalizationMeansMeanZeroStdOneAndOneValueServesEveryChannel() {
        InputSpec plain = ModelInfo.fromMetadata(Map.of(ModelInfo.INPUT_SHAPE, "3,8,8")).input().orElseThrow();
        assertEquals(InputSpec.unnormalized(3, 8, 8), plain);
        InputSpec shared = ModelInfo.fromMetadata(Map.of(ModelInfo.INPUT_SHAPE, "3,8,8", ModelInfo.CHANNEL_MEAN, "0.5",
                ModelInfo.CHANNEL_STD, " 0.25 ")).input().orElseThrow();
        assertArrayEquals(new float[] {0.5f, 0.5f, 0.5f}, shared.mean());
        assertArrayEquals(new float[] {0.25f, 0.25f, 0.25f}, shared.std());
    }

    @Test
    void badValuesAreRefusedNamingTheKeyAndValue() {
        assertNames(broken(ModelInfo.CHANNEL_MEAN, "0.1,abc,0.3"), ModelInfo.CHANNEL_MEAN, "0.1,abc,0.3");
        assertNames(broken(ModelInfo.CHANNEL_MEAN, "0.1,NaN,0.3"), ModelInfo.CHANNEL_MEAN, "0.1,NaN,0.3");
        assertNames(broken(ModelInfo.CHANNEL_STD, "0.2,0.2"), ModelInfo.CHANNEL_STD, "0.2,0.2");
        assertNames(broken(ModelInfo.CHANNEL_STD, "0.2,0,0.2"), ModelInfo.CHANNEL_STD, "0.2,0,0.2");
        assertNames(broken(ModelInfo.INPUT_SHAPE, "3,-32,32"), ModelInfo.INPUT_SHAPE, "3,-32,32");
        assertNames(broken(ModelInfo.INPUT_SHAPE, "3,0,32"), ModelInfo.INPUT_SHAPE, "3,0,32");
        assertNames(broken(ModelInfo.INPUT_SHAPE, "32,32"), ModelInfo.INPUT_SHAPE, "32,32");
        assertNames(broken(ModelInfo.INPUT_SHAPE, "3,x,32"), ModelInfo.INPUT_SHAPE, "3,x,32");
        assertNames(broken(ModelInfo.INPUT_SHAPE, "3,99999999999,32"), ModelInfo.INPUT_SHAPE, "3,99999999999,32");
        assertNames(broken(ModelInfo.NUM_CLASSES, "0"), ModelInfo.NUM_CLASSES, "0");
        assertNames(broken(ModelInfo.NUM_CLASSES, "ten"), ModelInfo.NUM_CLASSES, "ten");
        assertNames(broken(ModelInfo.CLASS_LABELS, "a\nb"), ModelInfo.CLASS_LABELS, "a\\nb");
        assertNames(broken(ModelInfo.PARAMS, "-12"), ModelInfo.PARAMS, "-12");
        assertNames(broken(ModelInfo.MACS, "1.5e6"), ModelInfo.MACS, "1.5e6");
        assertNames(broken(ModelInfo.ASL_LOWERING, "Depthwise"), ModelInfo.ASL_LOWERING, "Depthwise");
        assertNames(broken(ModelInfo.ASL_RADIUS, "-1"), ModelInfo.ASL_RADIUS, "-1");
        assertNames(broken(ModelInfo.BN_FOLDED, "yes"), ModelInfo.BN_FOLDED, "yes");
        assertNames(broken(ModelInfo.ARCHITECTURE, " "), ModelInfo.ARCHITECTURE, " ");
        assertNames(broken(ModelInfo.TRAINED_EPOCHS, "-3"), ModelInfo.TRAINED_EPOCHS, "-3");
        assertNames(broken(ModelInfo.TRAINED_TEST_ACCURACY, "94.2"), ModelInfo.TRAINED_TEST_ACCURACY, "94.2");
        assertNames(broken(ModelInfo.TRAINED_EPOCHS, null), ModelInfo.TRAINED_EPOCHS, null);
        Map<String, String> meanWithoutShape = Map.of(ModelInfo.CHANNEL_MEAN, "0.5");
        assertNames(assertThrows(MetadataException.class, () -> ModelInfo.fromMetadata(meanWithoutShape)),
                ModelInfo.CHANNEL_MEAN, "0.5");
    }

    @Test
    void theBuilderRefusesInconsistentParts() {
        assertThrows(MetadataException.class, () -> ModelInfo.builder().classes(3, List.of("a", "b")).build());
        assertThrows(MetadataException.class, () -> ModelInfo.builder().cost(-1, 0).build());
        assertThrows(IllegalArgumentException.class, () -> ModelInfo.builder().otherKey(ModelInfo.PARAMS, "1").build());
        MetadataException e = assertThrows(MetadataException.class,
                () -> ModelInfo.builder().classes(2, List.of("a\nb", "c")).build().toMetadata());
        assertEquals(ModelInfo.CLASS_LABELS, e.key());
    }

    @Test
    void unknownKeysAreKeptUncheckedAfterTheKnownOnes() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("asnet.machine", "not checked: anything");
        m.put(ModelInfo.ARCHITECTURE, "x");
        m.put("producer.note", "n");
        ModelInfo info = ModelInfo.fromMetadata(m);
        assertEquals(List.of("asnet.machine", "producer.note"), List.copyOf(info.otherKeys().keySet()));
        assertEquals(List.of(ModelInfo.ARCHITECTURE, "asnet.machine", "producer.note"),
                List.copyOf(info.toMetadata().keySet()));
        assertEquals(m, info.toMetadata());
    }
}
