package dev.asnet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code asnet train}'s option checks: every bad value is a usage error, before anything is written. */
class TrainCommandTest {
    @Test
    void badValuesAreUsageErrors(@TempDir Path dir) {
        String out = dir.resolve("o").toString();
        assertUsage("unknown model 'resnet-9000'", "train", "resnet-9000", "--out", out);
        assertUsage("unknown schedule 'linear'", "train", "as-resnet20-16x1", "--schedule", "linear", "--out", out);
        assertUsage("learning rate must be a finite number > 0", "train", "as-resnet20-16x1", "--lr", "0", "--out", out);
        assertUsage("unknown device 'gpu'", "train", "as-resnet20-16x1", "--device", "gpu", "--out", out);
        assertFalse(Files.exists(dir.resolve("o")));
    }

    private static void assertUsage(String message, String... args) {
        CliRunner.Result r = CliRunner.run(args);
        assertEquals(ExitCodes.USAGE, r.exitCode(), r.toString());
        assertTrue(r.err().contains(message), r.err());
    }
}
