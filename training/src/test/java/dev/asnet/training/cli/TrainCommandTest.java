package dev.asnet.training.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class TrainCommandTest {
    private static String[] run(String... args) {
        StringWriter err = new StringWriter();
        int code = new CommandLine(new TrainCommand()).setErr(new PrintWriter(err)).execute(args);
        return new String[] {Integer.toString(code), err.toString()};
    }

    @Test
    void badValuesAreUsageErrors(@TempDir Path dir) {
        String out = dir.resolve("o").toString();
        String[] r = run("resnet-9000", "--out", out);
        assertEquals("2", r[0]);
        assertTrue(r[1].contains("unknown model 'resnet-9000'"), r[1]);
        r = run("as-resnet20-16x1", "--schedule", "linear", "--out", out);
        assertEquals("2", r[0]);
        assertTrue(r[1].contains("unknown schedule 'linear'"), r[1]);
        r = run("as-resnet20-16x1", "--lr", "0", "--out", out);
        assertEquals("2", r[0]);
        assertTrue(r[1].contains("learning rate must be > 0"), r[1]);
        r = run("as-resnet20-16x1", "--device", "gpu", "--out", out);
        assertEquals("2", r[0]);
        assertTrue(r[1].contains("unknown device 'gpu'"), r[1]);
    }
}
