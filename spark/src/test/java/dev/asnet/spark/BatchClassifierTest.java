package dev.asnet.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.asnet.exporter.InputSpec;
import dev.asnet.exporter.onnx.Onnx.ModelProto;
import dev.asnet.exporter.onnx.Onnx.TensorShapeProto;
import dev.asnet.runtime.AsnetModel;
import dev.asnet.runtime.RuntimeOptions;
import dev.asnet.runtime.dataset.LabeledImages;
import dev.asnet.runtime.vision.ImageClassifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The per-batch work of the executors, without Spark: mixed rows, and models with a fixed batch size. */
class BatchClassifierTest {
    @TempDir
    Path tmp;

    /** The pretrained model with its batch dimension fixed to {@code n} (input and output). */
    static byte[] fixedBatch(int n) throws Exception {
        ModelProto.Builder m = ModelProto.parseFrom(Files.readAllBytes(LocalSpark.PRETRAINED)).toBuilder();
        TensorShapeProto.Dimension fixed = TensorShapeProto.Dimension.newBuilder().setDimValue(n).build();
        m.getGraphBuilder().getInputBuilder(0).getTypeBuilder().getTensorTypeBuilder().getShapeBuilder().setDim(0, fixed);
        m.getGraphBuilder().getOutputBuilder(0).getTypeBuilder().getTensorTypeBuilder().getShapeBuilder().setDim(0, fixed);
        return m.build().toByteArray();
    }

    @Test
    void aFixedBatchModelGetsPaddedChunksAndTheSameAnswers() throws Exception {
        LabeledImages data = LocalSpark.fashionTest(10);
        Path dir = LocalSpark.writePngs(data, tmp.resolve("png"));
        List<BatchClassifier.Input> rows = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            rows.add(new BatchClassifier.Input(Files.readAllBytes(dir.resolve(LocalSpark.fileName(i))), "image " + i));
        }
        try (AsnetModel dynamic = AsnetModel.open(LocalSpark.PRETRAINED, RuntimeOptions.defaults());
                AsnetModel four = AsnetModel.open(fixedBatch(4), RuntimeOptions.defaults())) {
            assertFalse(four.input().hasDynamicBatch());
            List<BatchClassifier.Result> expected = new BatchClassifier(dynamic).classify(rows, 3, true);
            // 10 rows in chunks of 4: the last chunk is padded with two empty images.
            List<BatchClassifier.Result> got = new BatchClassifier(four).classify(rows, 3, true);
            assertEquals(10, got.size());
            for (int i = 0; i < 10; i++) {
                assertNull(got.get(i).error());
                assertEquals(expected.get(i).best().index(), got.get(i).best().index(), "image " + i);
                assertArrayEquals(expected.get(i).logits(), got.get(i).logits(), 1e-4f, "image " + i);
            }
            int[] eval = ImageClassifier.of(four).evaluate(data, 4).predicted();
            for (int i = 0; i < 10; i++) {
                assertEquals(eval[i], got.get(i).best().index(), "image " + i);
            }
        }
    }

    @Test
    void eachRowSucceedsOrFailsOnItsOwn() throws Exception {
        LabeledImages data = LocalSpark.fashionTest(2);
        Path dir = LocalSpark.writePngs(data, tmp.resolve("png"));
        try (AsnetModel model = AsnetModel.open(LocalSpark.PRETRAINED, RuntimeOptions.defaults())) {
            BatchClassifier c = new BatchClassifier(model);
            InputSpec in = c.input();
            float[] prepared = new float[in.imageSize()];
            byte[] pixels = data.images().pixels();
            for (int p = 0; p < prepared.length; p++) {
                prepared[p] = in.normalize(0, Byte.toUnsignedInt(pixels[in.imageSize() + p]));
            }
            float[] broken = prepared.clone();
            broken[5] = Float.NaN;
            List<BatchClassifier.Result> r = c.classify(List.of(
                    new BatchClassifier.Input(Files.readAllBytes(dir.resolve(LocalSpark.fileName(0))), "a.png"),
                    new BatchClassifier.Input("text".getBytes(StandardCharsets.US_ASCII), "b.png"),
                    new BatchClassifier.Input(prepared, "row 2"),
                    new BatchClassifier.Input(null, "row 3"),
                    new BatchClassifier.Input(new float[3], "row 4"),
                    new BatchClassifier.Input(broken, "row 5")), 1, false);
            int[] eval = ImageClassifier.of(model).evaluate(data).predicted();
            assertEquals(eval[0], r.get(0).best().index());
            assertNull(r.get(0).logits());
            assertEquals("b.png: not a PNG, JPEG or BMP image", r.get(1).error());
            assertEquals(eval[1], r.get(2).best().index());
            assertEquals("row 3: the input is null", r.get(3).error());
            assertTrue(r.get(4).error().startsWith("row 4: the array has 3 values"), r.get(4).error());
            assertTrue(r.get(5).error().startsWith("row 5: the model's output is not finite"), r.get(5).error());
            assertThrows(IllegalStateException.class, () -> r.get(1).best());
            assertEquals(List.of(), c.classify(List.of(), 1, false));
            assertThrows(IllegalArgumentException.class, () -> new BatchClassifier.Input("a string", "row"));
        }
    }
}
