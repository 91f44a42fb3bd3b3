package dev.asnet.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The op benchmark runs end to end on a tiny shape and writes readable reports (no timing checks). */
class OpBenchmarkTest {
    @Test
    void writesMarkdownAndJsonForEveryConfiguration(@TempDir Path dir) throws Exception {
        int code = new CommandLine(new OpBenchmark()).setCaseInsensitiveEnumValuesAllowed(true).execute(
                "--shapes", "1x3x5x7;2x2x4x4", "--threads", "1,2", "--levels", "basic", "--rounds", "2",
                "--reps", "2", "--out", dir.toString());
        assertEquals(0, code);
        JsonNode json = new ObjectMapper().readTree(dir.resolve("ops.json").toFile());
        assertEquals(4, json.get("results").size());
        for (JsonNode row : json.get("results")) {
            for (String op : new String[] {"ActiveShift", "ActiveShiftGrad", "Relu", "DepthwiseConv3x3"}) {
                JsonNode s = row.get("ops").get(op);
                assertEquals(4, s.get("samples").asInt(), op);
                assertTrue(s.get("medianMs").asDouble() > 0, op);
                assertTrue(s.get("p90Ms").asDouble() >= s.get("medianMs").asDouble(), op);
            }
        }
        assertTrue(json.get("machine").has("cpu"));
        String md = Files.readString(dir.resolve("ops.md"));
        assertTrue(md.contains("| 2 | BASIC_OPT | 2x2x4x4 |"), md);
    }

    @Test
    void rejectsAMalformedShape(@TempDir Path dir) {
        int code = new CommandLine(new OpBenchmark()).execute("--shapes", "1x2x3", "--out", dir.toString());
        assertTrue(code != 0);
    }
}
