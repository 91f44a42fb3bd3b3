package dev.asnet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.asnet.runtime.dataset.FashionMnist;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every pretrained AS-ResNet shipped in {@code models/pretrained/} does what its files say: {@code
 * asnet eval} on the full Fashion-MNIST test set gives the test accuracy recorded in the model's
 * metadata and in the last epoch of its {@code .metrics.csv} (the trainer measured it on the same
 * 10,000 images), and its {@code .command.txt} names its architecture.
 */
class PretrainedModelsTest {
    private static final Path PRETRAINED = Path.of("..", "models", "pretrained");
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void shippedModelsReachTheirRecordedAccuracy() throws Exception {
        assumeTrue(Files.isDirectory(FashionMnist.DEFAULT_DIR), "dataset-fashion-mnist not installed");
        List<Path> models;
        try (Stream<Path> s = Files.list(PRETRAINED)) {
            models = s.filter(p -> p.getFileName().toString().startsWith("as-resnet")
                    && p.getFileName().toString().endsWith(".onnx")).sorted().toList();
        }
        assertFalse(models.isEmpty(), "no pretrained model in " + PRETRAINED.toAbsolutePath());
        for (Path model : models) {
            String stem = model.getFileName().toString().replaceFirst("\\.onnx$", "");
            JsonNode meta = json(CliRunner.run("inspect", model.toString(), "--json")).get("metadata");
            double recorded = Double.parseDouble(meta.get("asnet.trained.test_accuracy").asText());
            String architecture = meta.get("asnet.architecture").asText();

            JsonNode eval = json(CliRunner.run("eval", model.toString(), "--json"));
            assertEquals(10000, eval.get("count").asInt(), stem);
            double measured = eval.get("accuracy").asDouble();
            // The metadata keeps four digits: one image in 10,000.
            assertEquals(recorded, measured, 0.5e-4, stem + ": metadata says " + recorded);

            List<String> rows = Files.readAllLines(PRETRAINED.resolve(stem + ".metrics.csv"));
            String[] header = rows.get(0).split(",");
            String[] last = rows.get(rows.size() - 1).split(",");
            int column = List.of(header).indexOf("test_accuracy");
            assertTrue(column >= 0, stem + ".metrics.csv has no test_accuracy column");
            assertEquals(Double.parseDouble(last[column]), measured, 0.5e-4, stem + ".metrics.csv, last epoch");

            String command = Files.readString(PRETRAINED.resolve(stem + ".command.txt"));
            assertTrue(command.contains("train " + architecture), stem + ".command.txt: " + command);
        }
    }

    private static JsonNode json(CliRunner.Result r) throws Exception {
        assertEquals(ExitCodes.OK, r.exitCode(), r.toString());
        return JSON.readTree(r.out());
    }
}
