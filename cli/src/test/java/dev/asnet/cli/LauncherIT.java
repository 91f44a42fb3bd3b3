package dev.asnet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./asnet} launcher, copied into a scratch tree with a stand-in {@code mvn} that logs its
 * arguments and "builds" by copying the real jar: it builds exactly when the jar is missing or
 * older than a pom or main source, then runs the jar.
 */
class LauncherIT {
    @TempDir
    Path root;

    Path jar;
    Path log;
    Map<String, String> env;

    @BeforeEach
    void scratchTree() throws Exception {
        Files.copy(Jar.ROOT.resolve("asnet"), root.resolve("asnet"));
        Files.createDirectories(root.resolve("cli/target"));
        Files.createDirectories(root.resolve("lib/src/main/java"));
        Files.createDirectories(root.resolve("lib/src/test/java"));
        Files.writeString(root.resolve("pom.xml"), "<project/>");
        jar = root.resolve("cli/target/asnet.jar");
        log = root.resolve("mvn.log");
        Path bin = Files.createDirectories(root.resolve("bin"));
        Path mvn = bin.resolve("mvn");
        Files.writeString(mvn, "#!/usr/bin/env bash\n"
                + "echo \"$PWD $*\" >> '" + log + "'\n"
                + "[ -n \"${FAIL_BUILD:-}\" ] && { echo 'BUILD FAILURE' >&2; exit 1; }\n"
                + "cp '" + Jar.JAR + "' '" + jar + "'\n");
        Files.setPosixFilePermissions(mvn, PosixFilePermissions.fromString("rwxr-xr-x"));
        env = Map.of("PATH", bin + ":" + System.getenv("PATH"));
    }

    private Jar.Proc launch(Map<String, String> extra, String... args) throws Exception {
        java.util.Map<String, String> e = new java.util.HashMap<>(env);
        e.putAll(extra);
        List<String> cmd = new java.util.ArrayList<>(List.of(root.resolve("asnet").toString()));
        cmd.addAll(List.of(args));
        return Jar.run(root, e, cmd);
    }

    private List<String> builds() throws Exception {
        return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }

    private void age(Path p, long secondsAgo) throws Exception {
        Files.setLastModifiedTime(p, FileTime.fromMillis(System.currentTimeMillis() - secondsAgo * 1000));
    }

    @Test
    void buildsWhenTheJarIsMissingThenRuns() throws Exception {
        Jar.Proc p = launch(Map.of(), "--version");
        assertEquals(0, p.exitCode(), p.toString());
        assertEquals(List.of(root + " -B -q install -DskipTests"), builds());
        assertTrue(p.err().contains("building the project first"), p.err());
        assertTrue(p.out().startsWith("asnet "), p.out());
    }

    @Test
    void buildsOnlyWhenMainSourcesOrPomsAreNewer() throws Exception {
        Files.copy(Jar.JAR, jar);
        Path source = Files.writeString(root.resolve("lib/src/main/java/A.java"), "class A {}");
        Path test = Files.writeString(root.resolve("lib/src/test/java/ATest.java"), "class ATest {}");
        age(source, 100);
        age(test, 100);
        age(root.resolve("pom.xml"), 100);
        age(jar, 50);
        assertEquals(0, launch(Map.of(), "--version").exitCode());
        assertEquals(List.of(), builds(), "the jar is newer than every source");

        Files.setLastModifiedTime(test, FileTime.fromMillis(System.currentTimeMillis()));
        assertEquals(0, launch(Map.of(), "--version").exitCode());
        assertEquals(List.of(), builds(), "test sources are not in the jar");

        Files.setLastModifiedTime(source, FileTime.fromMillis(System.currentTimeMillis() + 5000));
        Jar.Proc p = launch(Map.of(), "--version");
        assertEquals(0, p.exitCode(), p.toString());
        assertEquals(1, builds().size(), "a newer main source rebuilds");
        assertTrue(p.out().startsWith("asnet "), p.out());
    }

    @Test
    void aFailedBuildStopsWithItsExitCode() throws Exception {
        Jar.Proc p = launch(Map.of("FAIL_BUILD", "1"), "--version");
        assertEquals(1, p.exitCode(), p.toString());
        assertTrue(p.err().contains("BUILD FAILURE"), p.err());
        assertFalse(p.out().contains("asnet "), p.out());
    }

    @Test
    void passesArgumentsAndExitCodesThrough() throws Exception {
        Files.copy(Jar.JAR, jar);
        Jar.Proc p = launch(Map.of(), "inspect", root.resolve("missing file.onnx").toString());
        assertEquals(ExitCodes.FILE_PROBLEM, p.exitCode(), p.toString());
        assertTrue(p.err().contains("missing file.onnx: model file not found"), p.err());
    }
}
