package dev.asnet.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.asnet.exporter.ModelInfo;
import dev.asnet.exporter.export.AslLowering;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ModelDescriptionTest {
    @Test
    void describesTheCustomLowering() throws Exception {
        ModelDescription d = ModelDescription.parse(TestModels.fashion(TestModels.AS_RESNET, AslLowering.CUSTOM), "m");
        assertTrue(d.importsDomain("dev.asnet"));
        assertEquals(Set.of("dev.asnet"), d.customDomains());
        assertTrue(d.operators().containsKey("dev.asnet:ActiveShift"), d.operators().toString());
        assertTrue(d.operators().containsKey("Conv"));
        assertEquals("custom", d.aslLowering().orElseThrow());
        assertEquals(TestModels.AS_RESNET, d.architecture().orElseThrow());
        assertEquals("input: float[N, 1, 28, 28]", d.inputs().get(0).toString());
        assertEquals("logits: float[N, 10]", d.outputs().get(0).toString());
        // The paper's 16x1 network has 0.0354M parameters at 3x32x32; ours is for 1x28x28.
        assertEquals(Long.parseLong(d.metadata().get(ModelInfo.PARAMS)), d.parameters());
        assertTrue(d.parameters() > 30_000 && d.parameters() < 40_000, "params " + d.parameters());
        assertTrue(d.macs().isPresent());
        int nodes = d.operators().values().stream().mapToInt(Integer::intValue).sum();
        assertEquals(d.nodeCount(), nodes);
    }

    @Test
    void toStringSummarizesOnOneScreen() throws Exception {
        ModelDescription d = ModelDescription.parse(TestModels.fashion(TestModels.AS_RESNET, AslLowering.CUSTOM), "m.onnx");
        String s = d.toString();
        assertTrue(s.startsWith("m.onnx: " + TestModels.AS_RESNET + ", ONNX IR "), s);
        assertTrue(s.contains("opsets ai.onnx 17, dev.asnet 1"), s);
        assertTrue(s.contains("\n  inputs:  input: float[N, 1, 28, 28]\n"), s);
        assertTrue(s.contains("\n  outputs: logits: float[N, 10]\n"), s);
        assertTrue(s.contains(String.format(java.util.Locale.ROOT, "%,d parameters, ", d.parameters())), s);
        assertTrue(s.contains(String.format(java.util.Locale.ROOT, "%.2f M MACs per image, %d nodes",
                d.macs().getAsLong() / 1e6, d.nodeCount())), s);
        assertTrue(s.contains("\n  ops:     Conv "), "most used first: " + s);
        assertTrue(s.contains("dev.asnet:ActiveShift"), s);
        assertTrue(s.contains("\n  Active Shift lowering: custom"), s);
        assertTrue(s.contains("\n  custom domains: dev.asnet (needs the asnet op library)"), s);
        long lines = s.lines().count();
        assertTrue(lines <= 12 && s.lines().allMatch(l -> l.length() <= 120), s);

        ModelDescription plain = ModelDescription.parse(
                TestModels.withoutMetadata(TestModels.fashion(TestModels.DW_RESNET, AslLowering.PORTABLE)), "p");
        String p = plain.toString();
        assertTrue(p.startsWith("p: unknown architecture, ONNX IR "), p);
        assertTrue(p.contains("Active Shift lowering: none") && p.contains("custom domains: none"), p);

        ModelDescription broken = ModelDescription.parse(TestModels.withMetadata(
                TestModels.fashion(TestModels.AS_RESNET, AslLowering.CUSTOM), ModelInfo.CHANNEL_STD, "0.3,0.3"), "b");
        assertTrue(broken.toString().contains("\n  broken asnet metadata: ") && broken.toString().contains("asnet.channel_std"),
                broken.toString());
    }

    @Test
    void portableAndDepthwiseNeedNoCustomDomain() throws Exception {
        for (AslLowering l : new AslLowering[] {AslLowering.PORTABLE, AslLowering.DEPTHWISE}) {
            ModelDescription d = ModelDescription.parse(TestModels.fashion(TestModels.AS_RESNET, l), "m");
            assertFalse(d.importsDomain("dev.asnet"), l.id());
            assertEquals(Set.of(), d.customDomains());
            assertEquals(l.id(), d.aslLowering().orElseThrow());
        }
    }

    @Test
    void withoutMetadataCountsFromTheGraph() throws Exception {
        byte[] bytes = TestModels.fashion(TestModels.DW_RESNET, AslLowering.PORTABLE);
        ModelDescription with = ModelDescription.parse(bytes, "m");
        ModelDescription without = ModelDescription.parse(TestModels.withoutMetadata(bytes), "m");
        assertTrue(without.metadata().isEmpty());
        // The exporter records a lowering for every export; a network without ASL has none.
        assertEquals("portable", with.metadata().get(ModelInfo.ASL_LOWERING));
        assertTrue(with.aslLowering().isEmpty());
        assertTrue(without.aslLowering().isEmpty());
        assertTrue(without.architecture().isEmpty());
        assertEquals(with.initializerElements(), without.parameters());
        assertEquals(with.macs().getAsLong(), without.macs().getAsLong(), "counted MACs equal the exporter's metadata");
    }

    @Test
    void brokenMetadataIsNamedByInfoAndTheRestFallsBackToTheGraph() throws Exception {
        byte[] bytes = TestModels.withMetadata(TestModels.fashion(TestModels.AS_RESNET, AslLowering.CUSTOM),
                ModelInfo.CHANNEL_STD, "0.3,0.3");
        ModelDescription d = ModelDescription.parse(bytes, "broken.onnx");
        InvalidModelException e = assertThrows(InvalidModelException.class, d::info);
        assertTrue(e.getMessage().startsWith("broken.onnx: ") && e.getMessage().contains("asnet.channel_std '0.3,0.3'")
                && e.getMessage().contains("1 channels"), e.getMessage());
        assertEquals("0.3,0.3", d.metadata().get(ModelInfo.CHANNEL_STD), "the raw entries stay readable");
        assertEquals(d.initializerElements(), d.parameters());
        assertTrue(d.architecture().isEmpty());
        assertEquals("custom", d.aslLowering().orElseThrow(), "the graph still says custom");
        try (AsnetModel m = AsnetModel.open(bytes, RuntimeOptions.defaults())) {
            assertEquals("input", m.input().name(), "a broken model still runs on raw tensors");
        }
    }
}
