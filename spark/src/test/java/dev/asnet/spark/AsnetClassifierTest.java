package dev.asnet.spark;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.asnet.exporter.InputSpec;
import dev.asnet.exporter.export.AslLowering;
import dev.asnet.exporter.export.ExportOptions;
import dev.asnet.exporter.export.InferenceExport;
import dev.asnet.exporter.io.OnnxReader;
import dev.asnet.exporter.io.OnnxWriter;
import dev.asnet.exporter.ir.Model;
import dev.asnet.runtime.AsnetModel;
import dev.asnet.runtime.RuntimeOptions;
import dev.asnet.runtime.dataset.LabeledImages;
import dev.asnet.runtime.vision.Evaluation;
import dev.asnet.runtime.vision.ImageClassifier;
import dev.asnet.runtime.vision.Prediction;
import dev.asnet.runtime.vision.Softmax;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The transformer in local[2] mode on 2,000 Fashion-MNIST test images written as PNG files, against
 * {@link ImageClassifier} image by image and against the evaluation {@code asnet eval} runs.
 */
class AsnetClassifierTest {
    static final int IMAGES = 2000;

    @TempDir
    static Path tmp;

    static SparkSession spark;
    static LabeledImages data;
    static Path pngs;
    /** The first 200 of them, for the tests that need many rows but not 2,000. */
    static Path some;

    @BeforeAll
    static void writeImages() throws Exception {
        spark = LocalSpark.session();
        data = LocalSpark.fashionTest(IMAGES);
        pngs = LocalSpark.writePngs(data, tmp.resolve("pngs"));
        some = LocalSpark.writePngs(data.limit(200), tmp.resolve("some"));
    }

    static Dataset<Row> files(Path dir) {
        return spark.read().format("binaryFile").load(dir.toString());
    }

    @Test
    void predictionsEqualImageClassifierAndAccuracyEqualsEval() throws Exception {
        List<Row> rows = new AsnetClassifier().setModelPath(LocalSpark.PRETRAINED.toString())
                .transform(files(pngs))
                .select("path", "predictedLabel", "prediction", "probability", "error")
                .collectAsList();
        assertEquals(IMAGES, rows.size());
        int[] predicted = new int[IMAGES];
        int correct = 0;
        try (ImageClassifier reference = ImageClassifier.open(LocalSpark.PRETRAINED, RuntimeOptions.defaults())) {
            for (Row r : rows) {
                int i = LocalSpark.indexOf(r.getString(0));
                assertTrue(r.isNullAt(4), () -> "unexpected error: " + r.getString(4));
                Prediction expected = reference.classify(pngs.resolve(LocalSpark.fileName(i)), 1).get(0);
                assertEquals(expected.label(), r.getString(1), r.getString(0));
                assertEquals(expected.index(), r.getInt(2), r.getString(0));
                // Spark runs the image in a batch of 64, the reference alone: the same up to rounding.
                assertEquals(expected.probability(), r.getFloat(3), 1e-5, r.getString(0));
                predicted[i] = r.getInt(2);
                correct += r.getInt(2) == data.label(i) ? 1 : 0;
            }
            // What `asnet eval --limit 2000` computes: the IDX pixels, no PNG in between.
            Evaluation eval = reference.evaluate(data);
            assertArrayEquals(eval.predicted(), predicted);
            assertEquals(eval.correct(), correct);
            assertEquals(eval.accuracy(), (double) correct / IMAGES);
            assertTrue(eval.accuracy() > 0.9, "the pretrained model scores " + eval.accuracy());
        }
    }

    @Test
    void everyLoweringWorks() throws Exception {
        Model source = OnnxReader.read(LocalSpark.PRETRAINED);
        for (AslLowering lowering : AslLowering.values()) {
            ExportOptions options = ExportOptions.builder().setLowering(lowering).optFoldBatchNorm(true)
                    .optOpsetVersion(lowering == AslLowering.PORTABLE ? Math.max(16, source.opsetVersion())
                            : source.opsetVersion())
                    .build();
            // As `asnet convert --lowering X` writes it.
            byte[] model = OnnxWriter.toBytes(InferenceExport.prepare(source, options));
            int registrations = ExecutorModels.opLibraryRegistrations();
            List<Row> rows = new AsnetClassifier().setModelBytes(model).transform(files(some))
                    .select("path", "prediction", "probability", "error").collectAsList();
            assertEquals(lowering == AslLowering.CUSTOM ? 1 : 0,
                    ExecutorModels.opLibraryRegistrations() - registrations, lowering.name());
            try (AsnetModel m = AsnetModel.open(model, RuntimeOptions.defaults())) {
                assertEquals(lowering == AslLowering.CUSTOM, m.usesAsnetOps(), lowering.name());
                ImageClassifier reference = ImageClassifier.of(m);
                assertEquals(200, rows.size());
                for (Row r : rows) {
                    assertTrue(r.isNullAt(3), () -> lowering + ": " + r.getString(3));
                    Prediction expected = reference.classify(Path.of(java.net.URI.create(r.getString(0))), 1).get(0);
                    assertEquals(expected.index(), r.getInt(1), lowering + " " + r.getString(0));
                    assertEquals(expected.probability(), r.getFloat(2), 1e-5, lowering + " " + r.getString(0));
                }
            }
        }
    }

    @Test
    void theModelAndTheOpLibraryAreLoadedOncePerExecutor() throws Exception {
        // Two intra-op threads: a session setting no other test uses, so this key is opened here first.
        AsnetClassifier classifier = new AsnetClassifier().setModelPath(LocalSpark.PRETRAINED.toString())
                .setIntraOpThreads(2).setBatchSize(16);
        int loads = ExecutorModels.modelLoads();
        int registrations = ExecutorModels.opLibraryRegistrations();
        Dataset<Row> inEightTasks = files(some).repartition(8);
        assertEquals(8, inEightTasks.rdd().getNumPartitions());
        assertEquals(200, classifier.transform(inEightTasks).filter(col("error").isNull()).count());
        assertEquals(1, ExecutorModels.modelLoads() - loads, "8 tasks on 2 cores, one executor JVM");
        assertEquals(1, ExecutorModels.opLibraryRegistrations() - registrations);
        // A second job with the same model and settings reuses the executor's model.
        assertEquals(200, classifier.transform(inEightTasks).count());
        assertEquals(1, ExecutorModels.modelLoads() - loads);
        assertEquals(1, ExecutorModels.opLibraryRegistrations() - registrations);
    }

    @Test
    void aBadImageGetsANullPredictionAndAnError() throws Exception {
        Path dir = LocalSpark.writePngs(data.limit(5), tmp.resolve("bad"));
        Files.writeString(dir.resolve("notes.png"), "not an image", StandardCharsets.US_ASCII);
        Files.write(dir.resolve("empty.png"), new byte[0]);
        byte[] good = Files.readAllBytes(dir.resolve(LocalSpark.fileName(0)));
        Files.write(dir.resolve("cut.png"), java.util.Arrays.copyOf(good, good.length / 2));
        AsnetClassifier classifier = new AsnetClassifier().setModelPath(LocalSpark.PRETRAINED.toString());
        Map<String, Row> byName = new HashMap<>();
        for (Row r : classifier.transform(files(dir)).select("path", "predictedLabel", "prediction", "probability",
                "error").collectAsList()) {
            byName.put(r.getString(0).substring(r.getString(0).lastIndexOf('/') + 1), r);
        }
        // Spark's file sources list no empty files: empty.png has no row at all.
        assertEquals(7, byName.size(), byName.keySet().toString());
        assertFalse(byName.containsKey("empty.png"));
        for (String bad : List.of("notes.png", "cut.png")) {
            Row r = byName.get(bad);
            assertTrue(r.isNullAt(1) && r.isNullAt(2) && r.isNullAt(3), bad);
            assertTrue(r.getString(4).contains(bad), r.getString(4));
        }
        assertTrue(byName.get("notes.png").getString(4).endsWith("notes.png: not a PNG, JPEG or BMP image"));
        assertTrue(byName.get("cut.png").getString(4).contains("cannot decode the image"));
        for (int i = 0; i < 5; i++) {
            Row r = byName.get(LocalSpark.fileName(i));
            assertTrue(r.isNullAt(4), () -> r.getString(4));
            assertNotNull(r.getString(1));
        }
        // Asked to, the job fails on the bad row, saying which file it was.
        SparkException failure = assertThrows(SparkException.class,
                () -> classifier.setFailOnError(true).transform(files(dir)).count());
        Throwable cause = failure;
        while (cause != null && !(cause instanceof RowClassificationException)) {
            cause = cause.getCause();
        }
        String all = failure.getMessage();
        assertTrue(cause != null || all.contains("RowClassificationException"), all);
        assertTrue(all.contains(".png"), all);
    }

    @Test
    void floatArraysTopKAndLogits() throws Exception {
        int n = 100;
        InputSpec spec;
        try (ImageClassifier reference = ImageClassifier.open(LocalSpark.PRETRAINED, RuntimeOptions.defaults())) {
            spec = reference.input();
            List<Row> input = new ArrayList<>();
            byte[] pixels = data.images().pixels();
            int per = spec.imageSize();
            for (int i = 0; i < n; i++) {
                List<Float> values = new ArrayList<>(per);
                for (int p = 0; p < per; p++) {
                    values.add(spec.normalize(0, Byte.toUnsignedInt(pixels[i * per + p])));
                }
                input.add(RowFactory.create(i, values));
            }
            input.add(RowFactory.create(n, List.of(1f, 2f, 3f)));
            input.add(RowFactory.create(n + 1, null));
            StructType schema = new StructType().add("id", DataTypes.IntegerType)
                    .add("x", DataTypes.createArrayType(DataTypes.FloatType));
            List<Row> rows = new AsnetClassifier().setModelPath(LocalSpark.PRETRAINED.toString())
                    .setInputCol("x").setTopKCol("top3").setTopK(3).setLogitsCol("logits")
                    .transform(spark.createDataFrame(input, schema).repartition(3))
                    .select("id", "prediction", "probability", "top3", "logits", "error")
                    .orderBy("id").collectAsList();
            int[] expected = reference.evaluate(data.limit(n)).predicted();
            assertEquals(n + 2, rows.size());
            for (int i = 0; i < n; i++) {
                Row r = rows.get(i);
                assertTrue(r.isNullAt(5), () -> r.getString(5));
                assertEquals(expected[i], r.getInt(1), "image " + i);
                List<Row> top = r.getList(3);
                assertEquals(3, top.size());
                assertEquals(r.getInt(1), top.get(0).getInt(0));
                assertEquals(reference.labels().get(r.getInt(1)), top.get(0).getString(1));
                assertEquals(r.getFloat(2), top.get(0).getFloat(2));
                assertTrue(top.get(0).getFloat(2) >= top.get(1).getFloat(2)
                        && top.get(1).getFloat(2) >= top.get(2).getFloat(2));
                List<Float> logits = r.getList(4);
                float[] l = new float[logits.size()];
                for (int k = 0; k < l.length; k++) {
                    l[k] = logits.get(k);
                }
                assertEquals(10, l.length);
                assertEquals(r.getInt(1), Softmax.argmax(l, 0, l.length));
                assertEquals(r.getFloat(2), Softmax.probabilities(l)[r.getInt(1)], 1e-6);
            }
            Row wrongSize = rows.get(n);
            assertTrue(wrongSize.isNullAt(1) && wrongSize.isNullAt(3) && wrongSize.isNullAt(4));
            assertTrue(wrongSize.getString(5).contains("the array has 3 values, the model takes 784 (1x28x28)"),
                    wrongSize.getString(5));
            assertTrue(rows.get(n + 1).getString(5).endsWith("the input is null"), rows.get(n + 1).getString(5));
        }
    }

    @Test
    void mistakesAreReportedOnTheDriverBeforeAnyTaskRuns() throws Exception {
        Dataset<Row> df = files(pngs);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new AsnetClassifier().transform(df))
                .getMessage().contains("no model"));
        AsnetClassifier c = new AsnetClassifier().setModelPath(LocalSpark.PRETRAINED.toString());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> c.copy(new org.apache.spark.ml.param.ParamMap())
                .setInputCol("path").transform(df)).getMessage().contains("input column 'path' is string"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> c.copy(new org.apache.spark.ml.param.ParamMap())
                .setLabelCol("length").transform(df)).getMessage().contains("output column 'length' exists"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new AsnetClassifier()
                .setModelPath(tmp.resolve("missing.onnx").toString()).transform(df)).getMessage()
                .contains("model file not found"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new AsnetClassifier()
                .setModelBytes("not a model".getBytes(StandardCharsets.US_ASCII)).transform(df)).getMessage()
                .startsWith("AsnetClassifier: <model bytes>"));
        assertThrows(IllegalArgumentException.class, () -> new AsnetClassifier().setDevice("tpu"));
        assertThrows(IllegalArgumentException.class, () -> new AsnetClassifier().setBatchSize(0));
        // copy keeps every setting, as Spark's pipelines need.
        AsnetClassifier copy = c.copy(new org.apache.spark.ml.param.ParamMap()).setTopKCol("top");
        assertEquals(c.uid(), copy.uid());
        assertEquals(LocalSpark.PRETRAINED.toString(), copy.getOrDefault(copy.modelPath()));
        assertEquals("", c.getOrDefault(c.topKCol()));
        assertFalse(c.explainParams().isEmpty());
    }
}
