package dev.asnet.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs processes the way a user does (the packaged jar, the launcher script) and captures their output. */
final class Jar {
    /** The packaged jar, set by the failsafe configuration. */
    static final Path JAR = Path.of(System.getProperty("asnet.jar", "target/asnet.jar")).toAbsolutePath();
    /** The repository root, set by the failsafe configuration. */
    static final Path ROOT = Path.of(System.getProperty("asnet.root", "..")).toAbsolutePath().normalize();

    /** A finished process. */
    record Proc(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private Jar() {}

    /** {@code java -jar asnet.jar args...}. */
    static Proc asnet(Path workDir, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(javaBin(), "-jar", JAR.toString()));
        cmd.addAll(List.of(args));
        return run(workDir, Map.of(), cmd);
    }

    static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static Proc run(Path workDir, Map<String, String> env, List<String> cmd) throws IOException, InterruptedException {
        return run(workDir, env, cmd, 180);
    }

    static Proc run(Path workDir, Map<String, String> env, List<String> cmd, int timeoutSeconds)
            throws IOException, InterruptedException {
        Path out = Files.createTempFile("asnet-out", ".txt");
        Path err = Files.createTempFile("asnet-err", ".txt");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            pb.environment().putAll(env);
            Process p = pb.start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("timed out: " + cmd);
            }
            return new Proc(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
