package dev.asnet.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
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
 * ONNX Runtime 1.29 kills the JVM (SIGSEGV, exit 139) when its environment is first created on a
 * normal thread of a process with a command line over about 4 KB; {@link OrtEnvironments} must
 * not. Both checks start a child JVM whose class path is padded with nonexistent jars.
 */
class OrtEnvironmentsTest {
    /** Variables that make ONNX Runtime skip its telemetry, which would hide the crash. */
    private static final List<String> TELEMETRY_OFF = List.of("ORT_DISABLE_TELEMETRY", "ORT_RUNNING_UNIT_TESTS",
            "CI", "TF_BUILD", "GITHUB_ACTIONS", "GITLAB_CI", "CIRCLECI", "TRAVIS", "JENKINS_URL",
            "CODEBUILD_BUILD_ID", "BUILDKITE", "TEAMCITY_VERSION", "APPVEYOR", "BITBUCKET_BUILD_NUMBER",
            "SYSTEM_TEAMFOUNDATIONCOLLECTIONURI");

    @TempDir
    Path tmp;

    @Test
    void safePathSurvivesALongCommandLine() throws Exception {
        Result r = runChild("safe");
        assertEquals(0, r.exitCode, "child JVM with a " + r.commandLineLength + "-char command line failed:\n" + r.output);
        assertTrue(r.output.contains("ActiveShift output [1.0, 2.0, 3.0, 4.0]"), r.output);
    }

    /**
     * The canary: proves the child setup really triggers ONNX Runtime's crash, so the test above
     * can fail. If this starts failing after an ONNX Runtime upgrade, the crash is gone upstream and
     * {@link OrtEnvironments}' dedicated thread may no longer be needed.
     */
    @Test
    void directCreationCrashesWithALongCommandLine() throws Exception {
        Result r = runChild("direct");
        assertNotEquals(0, r.exitCode, "expected ONNX Runtime 1.29 to crash with a " + r.commandLineLength
                + "-char command line, but it worked:\n" + r.output);
        assertEquals(139, r.exitCode, "expected SIGSEGV (exit 139):\n" + r.output);
    }

    @Test
    void sameEnvironmentEveryTime() {
        assertSame(OrtEnvironments.get(), OrtEnvironments.get());
    }

    @Test
    void stackGrowsWithTheCommandLine() {
        assertEquals(64L << 20, OrtEnvironments.stackSizeFor(-1));
        assertEquals(64L << 20, OrtEnvironments.stackSizeFor(6_000));
        assertEquals(400_000L * 512, OrtEnvironments.stackSizeFor(400_000));
        assertEquals(1L << 30, OrtEnvironments.stackSizeFor(Long.MAX_VALUE));
    }

    private record Result(int exitCode, String output, int commandLineLength) {}

    private Result runChild(String mode) throws IOException, InterruptedException {
        StringBuilder cp = new StringBuilder(System.getProperty("java.class.path"));
        for (int i = 0; cp.length() < 7000; i++) {
            cp.append(File.pathSeparator).append("/nonexistent/asnet-padding/padding-library-").append(i).append(".jar");
        }
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(), "-Xmx256m", "-cp", cp.toString(),
                LongCommandLineMain.class.getName(), mode));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        TELEMETRY_OFF.forEach(env::remove);
        // Telemetry, now on, keeps a device id and an event cache under XDG_CACHE_HOME: not in ~.
        env.put("XDG_CACHE_HOME", tmp.toString());
        Path log = tmp.resolve(mode + ".log");
        Process p = pb.redirectOutput(log.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("child JVM (" + mode + ") did not finish in 120 s");
        }
        int length = String.join(" ", command).length();
        return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8), length);
    }
}
