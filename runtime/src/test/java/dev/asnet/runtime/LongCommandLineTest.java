package dev.asnet.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A process with a long command line (a Spark executor's class path) whose first ONNX Runtime use
 * is opening a model on a thread with a small stack: SessionFactory must create the environment
 * through OrtEnvironments before anything else, or ONNX Runtime's telemetry kills the JVM
 * (SIGSEGV, exit 139). The child JVM runs with telemetry on, as users' JVMs do.
 */
class LongCommandLineTest {
    @TempDir
    Path tmp;

    @Test
    void openingAModelFirstOnASmallStackSurvivesALongCommandLine() throws Exception {
        StringBuilder cp = new StringBuilder(System.getProperty("java.class.path"));
        for (int i = 0; cp.length() < 20_000; i++) {
            cp.append(File.pathSeparator).append("/nonexistent/asnet-padding/padding-library-").append(i).append(".jar");
        }
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(), "-Xmx256m", "-cp", cp.toString(),
                FirstSessionOnSmallStackMain.class.getName(),
                Path.of("../models/pretrained/as-resnet20-16x3-fashion-mnist.onnx").toAbsolutePath().toString()));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        for (String v : List.of("ORT_DISABLE_TELEMETRY", "ORT_RUNNING_UNIT_TESTS", "CI", "GITHUB_ACTIONS",
                "GITLAB_CI", "JENKINS_URL", "TF_BUILD", "BUILDKITE", "TEAMCITY_VERSION")) {
            env.remove(v);
        }
        // Telemetry keeps its files under XDG_CACHE_HOME: not in the user's home.
        env.put("XDG_CACHE_HOME", tmp.toString());
        Path log = tmp.resolve("child.log");
        Process p = pb.redirectOutput(log.toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the child JVM did not finish");
        String out = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), "child JVM with a " + String.join(" ", command).length()
                + "-char command line failed (139 = SIGSEGV):\n" + out);
        assertTrue(out.contains("opened AsnetModel{<model bytes>"), out);
    }
}
