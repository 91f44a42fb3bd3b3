package dev.asnet.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.asnet.runtime.RuntimeOptions;
import dev.asnet.runtime.dataset.LabeledImages;
import dev.asnet.runtime.vision.ImageClassifier;
import dev.asnet.runtime.vision.Prediction;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The batch job end to end in local[2] mode: outputs, the overwrite rule, bad arguments. */
class BatchPredictTest {
    @TempDir
    static Path tmp;

    static SparkSession spark;
    static Path images;

    @BeforeAll
    static void writeImages() throws Exception {
        spark = LocalSpark.session();
        LabeledImages data = LocalSpark.fashionTest(60);
        images = LocalSpark.writePngs(data, tmp.resolve("images"));
        Files.createDirectories(images.resolve("nested"));
        Files.copy(images.resolve(LocalSpark.fileName(0)), images.resolve("nested/99999.png"));
        Files.writeString(images.resolve("00300.png"), "broken", StandardCharsets.US_ASCII);
        Files.writeString(images.resolve("README.txt"), "not read: the glob takes image names only");
    }

    record Run(int code, String out, String err) {}

    static Run batchPredict(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = BatchPredict.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void writesOneRowPerImageAndNeverClobbersUnlessAsked() throws Exception {
        Path out = tmp.resolve("predictions");
        Run run = batchPredict("--master", "local[2]", "--model", LocalSpark.PRETRAINED.toString(),
                "--images", images.toString(), "--out", out.toString(), "--format", "csv");
        assertEquals(0, run.code(), run.err());
        assertTrue(run.out().contains("classified 61 images"), run.out());
        assertTrue(run.out().contains("1 images could not be classified"), run.out());
        List<Row> rows = spark.read().option("header", "true").option("inferSchema", "true").csv(out.toString())
                .collectAsList();
        assertEquals(62, rows.size());
        assertEquals(List.of("path", "label", "class_index", "probability", "error"),
                List.of(spark.read().option("header", "true").csv(out.toString()).columns()));
        try (ImageClassifier reference = ImageClassifier.open(LocalSpark.PRETRAINED, RuntimeOptions.defaults())) {
            for (Row r : rows) {
                Path file = Path.of(java.net.URI.create(r.getString(0)));
                if (file.getFileName().toString().equals("00300.png")) {
                    assertTrue(r.isNullAt(1) && r.isNullAt(2) && r.isNullAt(3));
                    assertTrue(r.getString(4).contains("00300.png: not a PNG, JPEG or BMP image"), r.getString(4));
                    continue;
                }
                Prediction p = reference.classify(file, 1).get(0);
                assertEquals(p.label(), r.getString(1));
                assertEquals(p.index(), r.getInt(2));
                assertEquals(p.probability(), ((Number) r.get(3)).doubleValue(), 1e-5);
                assertTrue(r.isNullAt(4));
            }
        }
        // An existing output is left alone without --overwrite.
        List<String> before = listing(out);
        Run again = batchPredict("--master", "local[2]", "--model", LocalSpark.PRETRAINED.toString(),
                "--images", images.toString(), "--out", out.toString());
        assertEquals(BatchPredict.OUTPUT_EXISTS, again.code(), again.err());
        assertTrue(again.err().contains("exists; pass --overwrite to replace it"), again.err());
        assertEquals(before, listing(out));
        // With it, the new result replaces the old once complete, and nothing is left beside it.
        Run replaced = batchPredict("--master", "local[2]", "--model", LocalSpark.PRETRAINED.toString(),
                "--images", images.toString(), "--out", out.toString(), "--overwrite", "--format", "parquet");
        assertEquals(0, replaced.code(), replaced.err());
        assertEquals(62, spark.read().parquet(out.toString()).count());
        try (Stream<Path> siblings = Files.list(tmp)) {
            assertEquals(List.of(), siblings.map(p -> p.getFileName().toString()).filter(n -> n.contains(".asnet-"))
                    .toList());
        }
    }

    @Test
    void aFailedJobLeavesNoOutput() throws Exception {
        Path out = tmp.resolve("failed");
        Run run = batchPredict("--master", "local[2]", "--model", LocalSpark.PRETRAINED.toString(),
                "--images", images.toString(), "--out", out.toString(), "--fail-on-error");
        assertEquals(BatchPredict.FAILED, run.code(), run.err());
        assertTrue(run.err().contains("00300.png: not a PNG, JPEG or BMP image"), run.err());
        assertFalse(Files.exists(out));
        try (Stream<Path> siblings = Files.list(tmp)) {
            assertEquals(List.of(), siblings.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith(".failed.asnet-")).toList());
        }
    }

    @Test
    void badArgumentsAreRefused() {
        String model = LocalSpark.PRETRAINED.toString();
        String out = tmp.resolve("never").toString();
        Run format = batchPredict("--model", model, "--images", images.toString(), "--out", out, "--format", "json");
        assertEquals(BatchPredict.USAGE, format.code());
        assertTrue(format.err().contains("--format must be parquet or csv, got 'json'"), format.err());
        Run device = batchPredict("--model", model, "--images", images.toString(), "--out", out, "--device", "tpu");
        assertEquals(BatchPredict.USAGE, device.code());
        assertTrue(device.err().contains("unknown device 'tpu'"), device.err());
        Run missing = batchPredict("--model", model, "--images", tmp.resolve("nowhere").toString(), "--out", out);
        assertEquals(BatchPredict.USAGE, missing.code());
        assertTrue(missing.err().contains("no such folder"), missing.err());
        Run badModel = batchPredict("--model", images.resolve("00300.png").toString(), "--images", images.toString(),
                "--out", out);
        assertEquals(BatchPredict.USAGE, badModel.code(), badModel.err());
        assertTrue(badModel.err().startsWith("BatchPredict: AsnetClassifier: "), badModel.err());
        Run noModel = batchPredict("--images", images.toString(), "--out", out);
        assertEquals(BatchPredict.USAGE, noModel.code());
        assertTrue(noModel.err().contains("Missing required option: '--model=FILE'"), noModel.err());
        assertFalse(Files.exists(Path.of(out)));
    }

    @Test
    void withoutSparksJvmOptionsTheJobSaysWhichToAdd() throws Exception {
        // A plain `java -cp` on Java 17 lacks the module openings Spark needs: a clear message, not a stack trace.
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                BatchPredict.class.getName(), "--master", "local[1]", "--model", "m.onnx", "--images", "in",
                "--out", "out"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(BatchPredict.USAGE, p.exitValue(), output);
        assertTrue(output.contains("Spark needs these JVM options on Java 17"), output);
        assertTrue(output.contains("--add-opens=java.base/sun.nio.ch=ALL-UNNAMED"), output);
    }

    private static List<String> listing(Path dir) throws Exception {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.map(f -> dir.relativize(f) + " " + f.toFile().length()).sorted().toList();
        }
    }
}
