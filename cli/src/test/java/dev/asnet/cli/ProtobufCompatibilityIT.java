package dev.asnet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.asnet.runtime.AsnetModel;
import dev.asnet.runtime.FloatTensor;
import dev.asnet.runtime.RuntimeOptions;
import dev.asnet.runtime.vision.ImageClassifier;
import dev.asnet.runtime.vision.Prediction;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An application that pins its own {@code protobuf-java} opens and runs the pretrained model through
 * {@code asnet-runtime}, as published ({@link PublishedRepository}). The application (test resource
 * {@code protobuf-app}: a pom importing the BOM and pinning protobuf-java, and {@code App.java}) gets
 * its class path from a child Maven, is compiled here and run in its own JVM. It must use the pinned
 * protobuf itself and give the same predictions, logits, parameter count and NCHWc rewrite outcome
 * as this JVM's asnet. 3.25.5 is the line many applications still pin (asnet's protobuf 4.x generated
 * code fails on it with {@code NoClassDefFoundError: com/google/protobuf/RuntimeVersion$RuntimeDomain}
 * unless asnet brings its own relocated runtime); 4.33.5 is the current line.
 *
 * <p>The child Maven uses a private local repository under {@code target/}: links to the user's local
 * repository for everything except {@code dev/asnet}, so the published test version lands only in
 * the private one, and the user's local repository is only read (PublishLayoutIT checks that too).
 */
class ProtobufCompatibilityIT {
    static final Path WORK = PublishedRepository.BUILD_DIR.resolve("protobuf-compat");
    static final Path MODEL = Jar.ROOT.resolve("models/pretrained/as-resnet20-16x3-fashion-mnist.onnx");
    static final int IMAGES = 4;

    static Path pixels;

    @BeforeAll
    static void deployAndPrepare() throws Exception {
        PublishedRepository.deploy().requireSuccess();
        PublishedRepository.deleteRecursively(WORK);
        Files.createDirectories(WORK);
        byte[] data = new byte[IMAGES * 28 * 28];
        new Random(15).nextBytes(data);
        pixels = Files.write(WORK.resolve("images.u8"), data);
    }

    @ParameterizedTest
    @ValueSource(strings = {"3.25.5", "4.33.5"})
    void anApplicationPinningProtobufRunsThePretrainedModel(String protobufVersion) throws Exception {
        Path app = WORK.resolve("app-" + protobufVersion);
        copyApp(app, protobufVersion);
        Path localRepo = privateLocalRepository(WORK.resolve("local-repo"));

        long start = System.nanoTime();
        Path cpFile = app.resolve("classpath.txt");
        List<String> mvn = new ArrayList<>(List.of(PublishedRepository.mvn(), "-B", "-q"));
        // Not offline (-o), like PublishedRepository's deploy: after this build everything but
        // protobuf-java 3.25.5 is in the local repository, and that one is downloaded once.
        mvn.addAll(List.of("-f", app.resolve("pom.xml").toString(),
                "-Dmaven.repo.local=" + localRepo,
                "org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath",
                "-Dmdep.includeScope=runtime",
                "-Dmdep.outputFile=" + cpFile));
        Jar.Proc resolve = Jar.run(app, Map.of(), mvn, 300);
        assertEquals(0, resolve.exitCode(), () -> String.join(" ", mvn) + "\n" + resolve);
        List<String> classPath = List.of(Files.readString(cpFile).trim().split(File.pathSeparator));
        List<String> protobufJars = classPath.stream().map(p -> Path.of(p).getFileName().toString())
                .filter(n -> n.startsWith("protobuf-java")).toList();
        assertEquals(List.of("protobuf-java-" + protobufVersion + ".jar"), protobufJars, classPath::toString);
        assertTrue(classPath.stream().anyMatch(p -> p.contains("asnet-onnx-proto-" + PublishedRepository.VERSION)),
                classPath::toString);

        Path classes = app.resolve("classes");
        Files.createDirectories(classes);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int rc = javac.run(null, null, null, "--release", "17", "-d", classes.toString(),
                "-cp", String.join(File.pathSeparator, classPath),
                app.resolve("src/main/java/app/App.java").toString());
        assertEquals(0, rc, "the application does not compile against the published artifacts");

        List<String> command = List.of(Jar.javaBin(), "-cp",
                classes + File.pathSeparator + String.join(File.pathSeparator, classPath),
                "app.App", MODEL.toString(), pixels.toString(), app.resolve("nchwc-cache").toString());
        Jar.Proc run = Jar.run(app, Map.of("ORT_DISABLE_TELEMETRY", "1"), command, 180);
        long seconds = (System.nanoTime() - start) / 1_000_000_000L;
        System.out.println("ProtobufCompatibilityIT: protobuf-java " + protobufVersion + ": resolve, compile and run took "
                + seconds + " s");
        assertEquals(0, run.exitCode(), () -> String.join(" ", command) + "\n" + run);

        Map<String, String> facts = facts(run.out());
        assertEquals("protobuf-java-" + protobufVersion + ".jar", facts.get("protobuf-jar"), run::toString);
        assertEquals("true", facts.get("protobuf-roundtrip"), run::toString);
        Map<String, String> expected = expectedFacts(app.resolve("nchwc-cache-here"));
        assertEquals(expected.get("nchwc"), facts.get("nchwc"), run::toString);
        assertEquals(expected.get("parameters"), facts.get("parameters"), run::toString);
        for (int i = 0; i < IMAGES; i++) {
            String[] want = expected.get("top1 " + i).split(" ");
            String[] got = String.valueOf(facts.get("top1 " + i)).split(" ");
            assertEquals(2, got.length, run::toString);
            assertEquals(want[0], got[0], "top-1 class of image " + i + "\n" + run);
            assertEquals(Float.parseFloat(want[1]), Float.parseFloat(got[1]), 1e-5f, "top-1 probability of image " + i);
        }
        float[] want = floats(expected.get("logits"));
        float[] got = floats(facts.get("logits"));
        assertEquals(want.length, got.length, run::toString);
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], 1e-5f * Math.max(1f, Math.abs(want[i])), "logit " + i);
        }
    }

    /** What the application must print, computed in this JVM with the same model, inputs and options. */
    private static Map<String, String> expectedFacts(Path cache) throws Exception {
        Map<String, String> facts = new LinkedHashMap<>();
        byte[] data = Files.readAllBytes(pixels);
        RuntimeOptions options = RuntimeOptions.builder().optIntraOpThreads(1).optNchwcCacheDir(cache).build();
        try (AsnetModel model = AsnetModel.open(MODEL, options)) {
            facts.put("nchwc", model.nchwcRewrite().status().toString());
            facts.put("parameters", Long.toString(model.description().parameters()));
            ImageClassifier classifier = ImageClassifier.of(model);
            for (int i = 0; i < IMAGES; i++) {
                Prediction top = classifier.classifyPixels(
                        Arrays.copyOfRange(data, i * 28 * 28, (i + 1) * 28 * 28), 28, 28, 1).get(0);
                facts.put("top1 " + i, top.index() + " " + top.probability());
            }
            FloatTensor logits = model.run(FloatTensor.of(new float[IMAGES * 28 * 28], IMAGES, 1, 28, 28));
            StringBuilder line = new StringBuilder();
            for (float v : logits.data()) {
                line.append(line.length() == 0 ? "" : " ").append(v);
            }
            facts.put("logits", line.toString());
        }
        return facts;
    }

    /** "key value" lines; "top1 i ..." lines keep "top1 i" as their key. */
    private static Map<String, String> facts(String out) {
        Map<String, String> facts = new LinkedHashMap<>();
        for (String line : out.split("\n")) {
            String[] parts = line.strip().split(" ", line.startsWith("top1 ") ? 3 : 2);
            if (parts.length == 3) {
                facts.put(parts[0] + " " + parts[1], parts[2]);
            } else if (parts.length == 2) {
                facts.put(parts[0], parts[1]);
            }
        }
        return facts;
    }

    private static float[] floats(String s) {
        assertTrue(s != null && !s.isBlank(), "no logits printed");
        String[] parts = s.trim().split(" ");
        float[] out = new float[parts.length];
        for (int i = 0; i < parts.length; i++) {
            out[i] = Float.parseFloat(parts[i]);
        }
        return out;
    }

    private static void copyApp(Path app, String protobufVersion) throws IOException {
        String pom = resource("protobuf-app/pom.xml")
                .replace("@REPO_URL@", PublishedRepository.REPO.toUri().toString())
                .replace("@ASNET_VERSION@", PublishedRepository.VERSION)
                .replace("@PROTOBUF_VERSION@", protobufVersion);
        Files.createDirectories(app.resolve("src/main/java/app"));
        Files.writeString(app.resolve("pom.xml"), pom);
        Files.writeString(app.resolve("src/main/java/app/App.java"), resource("protobuf-app/src/main/java/app/App.java"));
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = ProtobufCompatibilityIT.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("test resource missing: " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /**
     * A local repository that reads everything from the user's one through links, except
     * {@code dev/asnet}, which is private: what the child Maven resolves from the file repository
     * is stored here, never in the user's local repository.
     */
    private static synchronized Path privateLocalRepository(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return dir;
        }
        Path shared = PublishedRepository.LOCAL_REPO;
        Files.createDirectories(dir);
        try (Stream<Path> top = Files.list(shared)) {
            for (Path p : top.toList()) {
                String name = p.getFileName().toString();
                if (name.equals("dev")) {
                    Files.createDirectories(dir.resolve("dev"));
                    try (Stream<Path> dev = Files.list(p)) {
                        for (Path q : dev.filter(q -> !q.getFileName().toString().equals("asnet")).toList()) {
                            Files.createSymbolicLink(dir.resolve("dev").resolve(q.getFileName()), q);
                        }
                    }
                } else if (Files.isDirectory(p)) {
                    Files.createSymbolicLink(dir.resolve(name), p);
                }
            }
        }
        return dir;
    }
}
