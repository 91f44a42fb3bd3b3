package dev.asnet.runtime;

import dev.asnet.exporter.testing.ModelFuzzer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.asnet.exporter.ModelInfo;
import dev.asnet.exporter.count.CostCounter;
import dev.asnet.exporter.export.AslLowering;
import dev.asnet.exporter.onnx.Onnx.ModelProto;
import dev.asnet.exporter.onnx.Onnx.StringStringEntryProto;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What {@code asnet inspect} reads: mutated models give a description or InvalidModelException. */
class ModelDescriptionFuzzTest {
    @Test
    void mutatedModelsGiveADescriptionOrInvalidModelException() throws Exception {
        List<byte[]> seeds = new ArrayList<>();
        for (AslLowering l : AslLowering.values()) {
            seeds.add(TestModels.fashion(TestModels.AS_RESNET, l));
        }
        ModelFuzzer.Stats s = new ModelFuzzer(seeds, 77L).run(bytes -> {
            ModelDescription d = ModelDescription.parse(bytes, "fuzz.onnx");
            // Everything inspect prints must be computable and sane.
            assertTrue(d.parameters() >= 0 && d.initializerElements() >= 0, "negative count");
            assertTrue(d.macs().orElse(0) >= 0, "negative MACs");
            d.customDomains();
            d.aslLowering();
            d.inputs().forEach(ValueSpec::toString);
            d.outputs().forEach(ValueSpec::toString);
        }, 3000, 2000, InvalidModelException.class);
        System.out.println("ModelDescription fuzz: " + s);
        assertTrue(s.inputs() > 50 && s.accepted() > 0 && s.refused() > 0, s.toString());
    }

    @Test
    void absurdDimensionsSaturateTheParameterCount() throws Exception {
        ModelProto.Builder b = ModelProto.parseFrom(TestModels.fashion(TestModels.AS_RESNET, AslLowering.DEPTHWISE))
                .toBuilder();
        // Without the exporter's count in the metadata, the count comes from the declared dims.
        b.clearMetadataProps();
        b.getGraphBuilder().getInitializerBuilder(0).clearDims().addDims(1L << 32).addDims(1L << 32);
        ModelDescription d = ModelDescription.parse(b.build().toByteArray(), "huge.onnx");
        assertEquals(CostCounter.SATURATED, d.parameters());
        assertEquals(CostCounter.SATURATED, d.initializerElements());
        // A negative dimension (invalid) counts nothing rather than making the sum negative.
        b.getGraphBuilder().getInitializerBuilder(0).clearDims().addDims(-5).addDims(7);
        assertTrue(ModelDescription.parse(b.build().toByteArray(), "neg.onnx").parameters() >= 0);
        // Nor does a negative count in the metadata.
        b.addMetadataProps(StringStringEntryProto.newBuilder().setKey(ModelInfo.PARAMS).setValue("-12"));
        b.addMetadataProps(StringStringEntryProto.newBuilder().setKey(ModelInfo.MACS).setValue("-3"));
        ModelDescription neg = ModelDescription.parse(b.build().toByteArray(), "neg.onnx");
        assertTrue(neg.parameters() >= 0 && neg.macs().orElse(0) >= 0, neg.parameters() + " " + neg.macs());
    }
}
