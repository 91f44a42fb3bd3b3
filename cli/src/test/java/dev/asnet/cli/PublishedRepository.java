package dev.asnet.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The library modules and the BOM of this checkout, deployed once per test JVM by a child Maven as
 * release {@value #VERSION} ({@code -Drevision=...}, the release scheme) into a file repository under
 * {@code cli/target/publish-check/repo}, with tests and installation skipped, so the user's local
 * repository is only read. The child reactor never includes this module, so it cannot recurse.
 * {@link PublishLayoutIT} checks what was published; {@link ProtobufCompatibilityIT} builds an
 * application against it.
 */
final class PublishedRepository {
    static final String VERSION = "0.0.0-publishcheck";
    /** The modules deployed (with -am, so whatever they need comes along). */
    static final String MODULES = "bom,onnx-proto,exporter,onnx-ops,models,runtime,training,benchmarks,serving,spark";

    static final Path BUILD_DIR = Path.of(System.getProperty("asnet.buildDir", "target")).toAbsolutePath();
    static final Path REPO = BUILD_DIR.resolve("publish-check/repo");
    static final Path LOCAL_REPO = Path.of(System.getProperty("asnet.localRepo",
            System.getProperty("user.home") + "/.m2/repository"));

    /** The deployment's outcome: the child Maven's exit, output and wall time. */
    record Deployment(List<String> command, Jar.Proc result, long seconds) {
        /** Fails the calling test when the deployment failed. */
        void requireSuccess() {
            if (result.exitCode() != 0) {
                throw new AssertionError(String.join(" ", command) + "\n" + result);
            }
        }
    }

    private static Deployment deployment;

    private PublishedRepository() {}

    /** Deploys on the first call (about 30-60 s), then returns the same outcome. */
    static synchronized Deployment deploy() throws IOException, InterruptedException {
        if (deployment == null) {
            deleteRecursively(REPO.getParent());
            Files.createDirectories(REPO);
            // Not offline (-o): the deploy plugin refuses to deploy offline, even to a file
            // repository. Every plugin is pinned and already in the local repository after this
            // build, so nothing is downloaded.
            List<String> cmd = new ArrayList<>(List.of(mvn(), "-B", "-q"));
            cmd.addAll(List.of(
                    "-f", Jar.ROOT.resolve("pom.xml").toString(),
                    "-pl", MODULES, "-am",
                    "-Drevision=" + VERSION,
                    "-DskipTests",
                    "-Dmaven.install.skip=true",
                    "-Dmaven.repo.local=" + LOCAL_REPO,
                    "-DaltDeploymentRepository=publish-check::" + REPO.toUri(),
                    "deploy"));
            long start = System.nanoTime();
            Jar.Proc result = Jar.run(Jar.ROOT, Map.of(), cmd, 480);
            long seconds = (System.nanoTime() - start) / 1_000_000_000L;
            System.out.println("PublishedRepository: deploy took " + seconds + " s");
            deployment = new Deployment(List.copyOf(cmd), result, seconds);
        }
        return deployment;
    }

    /** This build's Maven (the failsafe configuration passes maven.home), else mvn on the PATH. */
    static String mvn() {
        String mavenHome = System.getProperty("maven.home");
        return mavenHome == null || mavenHome.isBlank() ? "mvn" : Path.of(mavenHome, "bin", "mvn").toString();
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (Files.isSymbolicLink(dir)) {
            Files.delete(dir);
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            // Files.walk does not follow links: a link is deleted, never what it points to.
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
