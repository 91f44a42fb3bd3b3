package dev.asnet.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.asnet.runtime.Device;
import dev.asnet.runtime.OptimizationLevel;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.asnet.bench.latency.BenchConfig;
import dev.asnet.bench.latency.BenchModel;
import dev.asnet.bench.latency.LatencyRunner;
import dev.asnet.bench.latency.Measurement;
import dev.asnet.bench.latency.OpProfiler;
import dev.asnet.bench.report.BenchReport;
import dev.asnet.bench.report.Comparison;
import dev.asnet.bench.report.Published;
import dev.asnet.ops.testing.OneNodeModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The latency harness on a tiny suite: it runs, reports failures and writes valid files. */
class LatencyHarnessTest {
    private static BenchModel relu() {
        return new BenchModel("relu", "relu-net", "-", new long[] {1, 4, 8, 8}, 0, 256,
                () -> OneNodeModel.op("", "Relu").input("X", OneNodeModel.FLOAT, 1L, 4L, 8L, 8L)
                        .output("Y", OneNodeModel.FLOAT).bytes());
    }

    private static BenchModel shift() {
        float[] s = new float[8];
        for (int i = 0; i < s.length; i++) {
            s[i] = 0.25f * i - 1;
        }
        return new BenchModel("shift/custom", "shift-net", "custom", new long[] {1, 4, 8, 8}, 8, 0,
                () -> OneNodeModel.op("dev.asnet", "ActiveShift").input("X", OneNodeModel.FLOAT, 1L, 4L, 8L, 8L)
                        .initializer("shift", s, 4, 2).output("Y", OneNodeModel.FLOAT).bytes());
    }

    private static BenchModel broken() {
        return new BenchModel("broken", "broken-net", "-", new long[] {1, 4, 8, 8}, 0, 0,
                () -> new byte[] {1, 2, 3, 4});
    }

    @Test
    void runsInterleavedReportsFailuresAndWritesEveryFile(@TempDir Path dir) throws Exception {
        List<String> progress = new ArrayList<>();
        List<BenchConfig> configs = List.of(new BenchConfig(1, OptimizationLevel.BASIC),
                new BenchConfig(1, OptimizationLevel.ALL));
        List<Measurement> results = LatencyRunner.builder().optRounds(3).optWarmupMs(5).optRoundMs(2)
                .optProgress(progress::add).build().run(List.of(relu(), shift(), broken()), configs);
        assertEquals(6, results.size());
        for (Measurement m : results) {
            if (m.model().name().equals("broken")) {
                assertFalse(m.ok());
                assertTrue(m.error().contains("OrtException"), m.error());
            } else {
                assertTrue(m.ok(), m.model().name() + ": " + m.error());
                assertTrue(m.samplesMs().length >= 3);
                assertTrue(m.medianMs() > 0 && m.p90Ms() >= m.medianMs());
            }
        }
        assertTrue(progress.stream().anyMatch(p -> p.contains("round 3/3")), progress.toString());

        OpProfiler.Profile profile = OpProfiler.profile(shift(), configs.get(1), 4, dir.resolve("prof"));
        assertTrue(profile.microsPerRun().containsKey("ActiveShift"), profile.microsPerRun().toString());
        assertEquals(1, profile.nodesPerRun().get("ActiveShift"));

        BenchReport report = new BenchReport("tiny", "Tiny suite", Map.of("cpu", "test"), results,
                List.of(new Comparison("shift-net", "relu-net", 0.5)),
                Map.of("relu-net", new Published(Double.NaN, 0, Double.NaN, 1.0)), List.of(profile));
        List<Path> files = report.write(dir);
        assertEquals(4, files.size());
        JsonNode json = new ObjectMapper().readTree(dir.resolve("tiny.json").toFile());
        assertEquals(6, json.get("results").size());
        assertEquals(2, json.get("ratios").size());
        assertTrue(json.get("results").get(2).get("error").asText().length() > 0);
        String md = Files.readString(dir.resolve("tiny.md"));
        assertTrue(md.contains("| broken-net | - |") && md.contains("failed"), md);
        assertTrue(md.contains("shift-net / relu-net"), md);
        assertTrue(md.contains("| ActiveShift | 1 |"), md);
        assertTrue(md.contains("Machine: test\n"), "readable machine line, not a map: " + md);
        // A p90 from fewer than 10 runs is flagged in the table and explained under it.
        boolean few = false;
        for (JsonNode r : json.get("results")) {
            if (r.get("ok").asBoolean()) {
                assertEquals(r.get("runs").asInt() >= 10, r.get("p90Reliable").asBoolean(), r.toString());
                few |= !r.get("p90Reliable").asBoolean();
            }
        }
        assertEquals(few, md.contains("p90 of fewer than 10 runs: not reliable"), md);
        for (Path png : files.subList(2, 4)) {
            assertTrue(ImageIO.read(png.toFile()).getWidth() > 100, png.toString());
        }
    }

    @Test
    void anUnusableConfigurationFailsEveryModelWithItsReason() {
        // The CPU build of ONNX Runtime has no CUDA provider.
        List<Measurement> results = LatencyRunner.builder().optRounds(1).optWarmupMs(0).build()
                .run(List.of(relu()), List.of(new BenchConfig(1, OptimizationLevel.ALL, Device.cuda(0))));
        assertEquals(1, results.size());
        assertFalse(results.get(0).ok());
        assertTrue(results.get(0).error().toLowerCase().contains("cuda"), results.get(0).error());
    }
}
