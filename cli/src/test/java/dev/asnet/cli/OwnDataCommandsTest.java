package dev.asnet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.asnet.runtime.dataset.SyntheticDatasets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code asnet train}, {@code eval} and {@code predict} on a folder of class folders the test
 * writes (synthetic shapes, 32x32 RGB), with a seeded validation split.
 */
class OwnDataCommandsTest {
    @TempDir
    static Path dir;

    private static Path data;
    private static Path run;
    private static CliRunner.Result trained;

    @BeforeAll
    static void train() throws Exception {
        data = SyntheticDatasets.writeShapes(dir.resolve("shapes"), 20, 0, 32, 11);
        run = dir.resolve("run");
        trained = CliRunner.run("train", "as-resnet20-16x1", "--data", data.toString(), "--val-split", "0.25",
                "--seed", "5", "--epochs", "2", "--batch", "15", "--lr", "0.05", "--threads", "1", "--no-progress",
                "--out", run.toString());
    }

    private static CliRunner.Result fails(int code, String message, String... args) {
        CliRunner.Result r = CliRunner.run(args);
        assertEquals(code, r.exitCode(), r.toString());
        String[] lines = r.errLines();
        assertTrue(lines.length == 1 && lines[0].startsWith("asnet: error: ") && lines[0].contains(message),
                "expected one error line with '" + message + "':\n" + r);
        return r;
    }

    @Test
    void trainEvalAndPredictReadTheSameFolder() throws Exception {
        assertEquals(0, trained.exitCode(), trained.toString());
        assertTrue(Files.readString(run.resolve("command.txt")).contains("--data " + data + " --val-split 0.25"));
        List<String> metrics = Files.readAllLines(run.resolve("metrics.csv"));
        double trainerAccuracy = Double.parseDouble(metrics.get(metrics.size() - 1).split(",")[4]);
        // eval reproduces the run's validation split from --val-split and --seed.
        CliRunner.Result e = CliRunner.run("eval", run.resolve("model.onnx").toString(), "--data", data.toString(),
                "--val-split", "0.25", "--seed", "5", "--threads", "1", "--json");
        assertEquals(0, e.exitCode(), e.toString());
        JsonNode j = new ObjectMapper().readTree(e.out());
        assertEquals(15, j.get("count").asInt(), "5 of 20 per class");
        assertEquals("folder", j.get("format").asText());
        assertEquals("test", j.get("split").asText());
        assertEquals(trainerAccuracy * 15, j.get("correct").asInt(), 1.0, "what the trainer measured");
        assertEquals(SyntheticDatasets.SHAPES.get(2), j.get("perClass").get(2).get("label").asText());
        // Without a split, the whole folder.
        CliRunner.Result all = CliRunner.run("eval", run.resolve("model.onnx").toString(), "--data", data.toString(),
                "--threads", "1", "--json");
        assertEquals(60, new ObjectMapper().readTree(all.out()).get("count").asInt(), all.toString());
        assertEquals("all", new ObjectMapper().readTree(all.out()).get("split").asText());
        // predict takes a folder: every image under it, labelled with the folder names.
        CliRunner.Result p = CliRunner.run("predict", run.resolve("model.onnx").toString(),
                data.resolve("circle").toString(), "--top", "3", "--threads", "1", "--json");
        assertEquals(0, p.exitCode(), p.toString());
        JsonNode images = new ObjectMapper().readTree(p.out()).get("images");
        assertEquals(20, images.size());
        for (JsonNode image : images) {
            assertTrue(SyntheticDatasets.SHAPES.contains(image.get("top").get(0).get("label").asText()), image.toString());
        }
    }

    @Test
    void mistakesAreOneLineErrors() throws Exception {
        Path out = dir.resolve("never");
        fails(ExitCodes.FILE_PROBLEM, "has no validation images", "train", "as-resnet20-16x1", "--data",
                data.toString(), "--out", out.toString());
        fails(ExitCodes.USAGE, "--pad takes pixels (4), a percentage", "train", "as-resnet20-16x1", "--data",
                data.toString(), "--pad", "lots", "--out", out.toString());
        fails(ExitCodes.USAGE, "give both the channel mean and std", "train", "as-resnet20-16x1", "--data",
                data.toString(), "--mean", "0.5", "--out", out.toString());
        fails(ExitCodes.USAGE, "unknown data format 'coco'", "train", "as-resnet20-16x1", "--data", data.toString(),
                "--format", "coco", "--out", out.toString());
        fails(ExitCodes.FILE_PROBLEM, "has no CIFAR-10 training files", "train", "as-resnet20-16x1", "--data",
                data.toString(), "--format", "cifar10", "--out", out.toString());
        Path broken = SyntheticDatasets.writeShapes(dir.resolve("broken"), 4, 2, 16, 3);
        Files.createDirectories(broken.resolve("train/empty"));
        fails(ExitCodes.FILE_PROBLEM, "is an empty class folder", "train", "as-resnet20-16x1", "--data",
                broken.toString(), "--out", out.toString());
        Files.writeString(broken.resolve("train/empty/bad.png"), "not a PNG");
        fails(ExitCodes.FILE_PROBLEM, "has no images of class 'empty'", "train", "as-resnet20-16x1", "--data",
                broken.toString(), "--out", out.toString());
        Files.createDirectories(broken.resolve("val/empty"));
        SyntheticDatasets.write(SyntheticDatasets.shape(0, 16, 16, new java.util.Random(1)),
                broken.resolve("val/empty/0.png"));
        fails(ExitCodes.FILE_PROBLEM, "--bad-images skip", "train", "as-resnet20-16x1", "--data", broken.toString(),
                "--out", out.toString());
        fails(ExitCodes.FILE_PROBLEM, "class 'empty' has no readable images left", "train", "as-resnet20-16x1",
                "--data", broken.toString(), "--bad-images", "skip", "--out", out.toString());
        assertFalse(Files.exists(out), "refused before --out is created");
        Path none = Files.createDirectories(dir.resolve("no-images"));
        fails(ExitCodes.FILE_PROBLEM, "holds no .png, .jpg, .jpeg or .bmp files", "predict",
                run.resolve("model.onnx").toString(), none.toString());
    }
}
