package dev.asnet.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.asnet.runtime.OptimizationLevel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The op benchmark runs end to end on a tiny shape and writes readable reports (no timing checks). */
class OpBenchmarkTest {
    @Test
    void blockedFormTimesActiveShiftNchwcAgainstNchwcReluAndDepthwise(@TempDir Path dir) throws Exception {
        List<String> lines = new ArrayList<>();
        // 16 channels fit ONNX Runtime's block (8 or 16); 20 channels fit neither: no blocked columns.
        OpBenchmark.Result r = OpBenchmark.builder().setShapes(OpBenchmark.parseShapes("1x16x5x7;1x20x4x4"))
                .optThreads(List.of(1)).optLevels(List.of(OptimizationLevel.BASIC)).optRounds(2).optReps(2)
                .optBlocked(true).build().run(lines::add);
        r.write(dir);
        JsonNode json = new ObjectMapper().readTree(dir.resolve("ops.json").toFile());
        int block = json.get("machine").get("ortNchwcBlockSize").asInt();
        assertTrue(block == 8 || block == 16, "block " + block);
        JsonNode fits = json.get("results").get(0);
        for (String op : new String[] {"ActiveShiftNchwc", "ActiveShiftNchwcSorted", "ActiveShiftNchwcSortedConst", "ReluNchwc",
            "DepthwiseConv3x3Nchwc"}) {
            assertTrue(fits.get("ops").get(op).get("medianMs").asDouble() > 0, op);
        }
        assertTrue(fits.get("nchwcDwConvOverSorted").asDouble() > 0);
        assertTrue(fits.get("nchwcDwConvOverSortedConstant").asDouble() > 0);
        assertTrue(json.get("results").get(1).get("ops").get("ActiveShiftNchwc") == null);
        assertTrue(lines.get(1).endsWith(" - | - | - | - | - | - | - | - | - | - |"), lines.get(1));
    }

    @Test
    void sortedByOffsetGroupsChannelsByIntegerOffset() {
        float[] s = {0.5f, 1.5f, -0.5f, 0.2f, 0.7f, 0.9f, -1.2f, 1.1f};  // (x, y) per channel
        float[] sorted = OpBenchmark.sortedByOffset(s);
        assertEquals(List.of(-0.5f, 0.2f, 0.7f, 0.9f, -1.2f, 1.1f, 0.5f, 1.5f),
                List.of(sorted[0], sorted[1], sorted[2], sorted[3], sorted[4], sorted[5], sorted[6], sorted[7]));
    }

    @Test
    void writesMarkdownAndJsonForEveryConfiguration(@TempDir Path dir) throws Exception {
        List<String> lines = new ArrayList<>();
        OpBenchmark.Result r = OpBenchmark.builder().setShapes(OpBenchmark.parseShapes("1x3x5x7;2x2x4x4"))
                .optThreads(List.of(1, 2)).optLevels(List.of(OptimizationLevel.BASIC)).optRounds(2).optReps(2).build()
                .run(lines::add);
        assertEquals(4, lines.size(), "one line per configuration as it is measured");
        r.write(dir);
        JsonNode json = new ObjectMapper().readTree(dir.resolve("ops.json").toFile());
        assertEquals(4, json.get("results").size());
        for (JsonNode row : json.get("results")) {
            for (String op : new String[] {"ActiveShift", "ActiveShiftConst", "ActiveShiftGrad", "Relu", "DepthwiseConv3x3"}) {
                JsonNode s = row.get("ops").get(op);
                assertEquals(4, s.get("samples").asInt(), op);
                assertTrue(s.get("medianMs").asDouble() > 0, op);
                assertTrue(s.get("p90Ms").asDouble() >= s.get("medianMs").asDouble(), op);
            }
        }
        assertTrue(json.get("machine").has("cpu"));
        String md = Files.readString(dir.resolve("ops.md"));
        assertTrue(md.contains("| 2 | basic | 2x2x4x4 |"), md);
    }

    @Test
    void rejectsMalformedShapesAndSettings() {
        for (String bad : new String[] {"1x2x3", "1x2x3x0", "1x2x3xq", "1x2x3x4;", "100000x100000x1x1"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OpBenchmark.parseShapes(bad),
                    bad);
            assertTrue(e.getMessage().contains("NxCxHxW"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> OpBenchmark.builder().optRounds(0).build());
        assertThrows(IllegalArgumentException.class, () -> OpBenchmark.builder().optThreads(List.of(0)).build());
        IllegalArgumentException cpu = assertThrows(IllegalArgumentException.class,
                () -> OpBenchmark.builder().optThreads(List.of(1, 2)).optThreadCpuTime(true).build());
        assertTrue(cpu.getMessage().contains("one intra-op thread"), cpu.getMessage());
    }

    @Test
    void threadCpuTimeIsSaidInTheReport() throws Exception {
        OpBenchmark.Result r = OpBenchmark.builder().setShapes(OpBenchmark.parseShapes("1x4x5x5"))
                .optThreads(List.of(1)).optLevels(List.of(OptimizationLevel.BASIC)).optRounds(2).optReps(2)
                .optThreadCpuTime(true).build().run(line -> { });
        assertTrue(r.markdown().contains("(thread CPU time)"), r.markdown());
    }
}
