package dev.asnet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code asnet charts} on the pretrained model's files, and its errors for files that are not a run's metrics. */
class ChartsCommandTest {
    private static final Path PRETRAINED = Path.of("..", "models", "pretrained");

    @TempDir
    Path dir;

    @Test
    void redrawsThePretrainedModelsCharts() throws Exception {
        CliRunner.Result r = CliRunner.run("charts",
                PRETRAINED.resolve("as-resnet20-16x3-fashion-mnist.metrics.csv").toString(), "--model",
                PRETRAINED.resolve("as-resnet20-16x3-fashion-mnist.onnx").toString(), "-o", dir.toString());
        assertEquals(ExitCodes.OK, r.exitCode(), r.toString());
        assertTrue(r.out().contains("20 epochs") && r.out().contains("9 shift charts"), r.out());
        for (String f : new String[] {"loss.png", "accuracy.png", "shifts-stage2.block0.shift.shift.png"}) {
            assertTrue(Files.size(dir.resolve(f)) > 1000, f);
        }
    }

    @Test
    void refusesFilesThatAreNotMetrics() throws Exception {
        Path notCsv = Files.writeString(dir.resolve("notes.csv"), "a,b\n1,2\n");
        CliRunner.Result r = CliRunner.run("charts", notCsv.toString(), "-o", dir.resolve("out").toString());
        assertEquals(ExitCodes.FILE_PROBLEM, r.exitCode(), r.toString());
        assertTrue(r.err().contains("no 'epoch' column"), r.err());
        Path headerOnly = Files.writeString(dir.resolve("empty.csv"), "epoch,train_loss,train_accuracy,test_loss,test_accuracy\n");
        r = CliRunner.run("charts", headerOnly.toString(), "-o", dir.resolve("out").toString());
        assertEquals(ExitCodes.FILE_PROBLEM, r.exitCode(), r.toString());
        assertTrue(r.err().contains("no epochs"), r.err());
        r = CliRunner.run("charts", dir.resolve("missing.csv").toString(), "-o", dir.resolve("out").toString());
        assertEquals(ExitCodes.FILE_PROBLEM, r.exitCode(), r.toString());
    }
}
