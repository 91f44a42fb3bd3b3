package dev.asnet.runtime.quantize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.asnet.exporter.ModelInfo;
import dev.asnet.exporter.io.OnnxReader;
import dev.asnet.exporter.io.OnnxWriter;
import dev.asnet.exporter.ir.Model;
import dev.asnet.exporter.quantize.AslQuantization;
import dev.asnet.exporter.quantize.QuantizeOptions;
import dev.asnet.ops.OrtEnvironments;
import dev.asnet.runtime.AsnetModel;
import dev.asnet.runtime.ModelDescription;
import dev.asnet.runtime.OptimizationLevel;
import dev.asnet.runtime.RuntimeOptions;
import dev.asnet.runtime.dataset.FashionMnist;
import dev.asnet.runtime.dataset.LabeledImages;
import dev.asnet.runtime.vision.Evaluation;
import dev.asnet.runtime.vision.ImageClassifier;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The portable int8 form ({@code --asl depthwise}): the pretrained model's Active Shift layers
 * become int8 depthwise convolutions, so the quantized model holds standard ONNX ops only, opens
 * in a plain ONNX Runtime session with no asnet op library, and keeps the float model's accuracy
 * on the full test set within the same bound as the other forms.
 */
class PortableQuantizationTest {
    @Test
    void depthwiseFormNeedsNoOpLibraryAndKeepsTheAccuracy() throws Exception {
        assumeTrue(Files.isDirectory(FashionMnist.DEFAULT_DIR), "dataset-fashion-mnist not installed");
        Model source = OnnxReader.read(PretrainedQuantizationTest.PRETRAINED);
        LabeledImages train = FashionMnist.train();
        LabeledImages test = FashionMnist.test();
        RuntimeOptions one = RuntimeOptions.builder().optIntraOpThreads(1).optOptimizationLevel(OptimizationLevel.ALL).build();
        CalibrationData data = CalibrationSets.fromDataset(train, ModelQuantizer.preprocessing(source), 1000, 1,
                "fashion-mnist train");
        ModelQuantizer.QuantizationResult r = ModelQuantizer.quantize(source, data,
                QuantizeOptions.builder().optAsl(AslQuantization.DEPTHWISE).build(), one, null);
        byte[] bytes = OnnxWriter.toBytes(r.model());

        Map<String, Integer> written = ModelDescription.parse(bytes, "portable").operators();
        assertTrue(written.keySet().stream().noneMatch(op -> op.startsWith("dev.asnet")), written.toString());
        assertEquals(0, r.plan().activeShiftLayers());
        assertEquals("depthwise", r.model().metadata().get(ModelInfo.QUANTIZATION_ASL));
        // 31 convs of the float model, 9 depthwise convs for the shifts, the classifier; the stem
        // conv stays float (QuantizeOptions.floatStem).
        assertEquals(40, r.plan().weightedLayers());
        assertEquals(1, r.plan().floatStems().size());

        // A plain session: no asnet op library registered.
        OrtEnvironment env = OrtEnvironments.get();
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions();
                OrtSession s = env.createSession(bytes, o);
                OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(new float[2 * 28 * 28]),
                        new long[] {2, 1, 28, 28});
                OrtSession.Result out = s.run(Map.of(s.getInputNames().iterator().next(), x))) {
            float[][] logits = (float[][]) out.get(0).getValue();
            assertEquals(2, logits.length);
            assertEquals(10, logits[0].length);
        }
        Map<String, Integer> fused = OptimizedGraph.operators(bytes, one);
        assertEquals(39, fused.getOrDefault("com.microsoft:QLinearConv", 0), fused.toString());

        Evaluation fp;
        Evaluation q;
        try (AsnetModel m = AsnetModel.open(PretrainedQuantizationTest.PRETRAINED, one)) {
            fp = ImageClassifier.of(m).evaluate(test);
        }
        try (AsnetModel m = AsnetModel.open(bytes, one)) {
            q = ImageClassifier.of(m).evaluate(test);
        }
        String report = String.format(Locale.ROOT, "portable (depthwise) int8: float %.4f -> int8 %.4f; optimized graph %s",
                fp.accuracy(), q.accuracy(), fused);
        System.out.println(report);
        assertEquals(10000, q.count());
        assertTrue(fp.accuracy() - q.accuracy() <= PretrainedQuantizationTest.MAX_LOSS, report);
    }
}
