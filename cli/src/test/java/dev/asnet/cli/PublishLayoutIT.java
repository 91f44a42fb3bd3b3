package dev.asnet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * What a release publishes, checked on a real deployment ({@link PublishedRepository}: a child Maven
 * deploys the library modules and the BOM of this checkout, as release {@value #VERSION}, into a
 * file repository under {@code cli/target/publish-check/repo}). Then: every library has its jar (with
 * its Automatic-Module-Name), -sources and -javadoc jars, and a flattened pom that stands alone (no
 * parent, no unresolved property, concrete versions) with the name, description, url, licence,
 * developers and scm that publishing needs; the BOM pins exactly asnet's libraries and ONNX Runtime;
 * no library depends on com.google.protobuf:protobuf-java (asnet-onnx-proto carries a relocated copy).
 */
class PublishLayoutIT {
    static final String VERSION = PublishedRepository.VERSION;

    /** Library artifact id and its Automatic-Module-Name. */
    static final Map<String, String> LIBRARIES = new LinkedHashMap<>();

    static {
        LIBRARIES.put("asnet-onnx-proto", "dev.asnet.onnx.proto");
        LIBRARIES.put("asnet-exporter", "dev.asnet.exporter");
        LIBRARIES.put("asnet-onnx-ops", "dev.asnet.ops");
        LIBRARIES.put("asnet-models", "dev.asnet.models");
        LIBRARIES.put("asnet-runtime", "dev.asnet.runtime");
        LIBRARIES.put("asnet-training", "dev.asnet.training");
        LIBRARIES.put("asnet-benchmarks", "dev.asnet.bench");
        LIBRARIES.put("asnet-serving", "dev.asnet.serving");
        LIBRARIES.put("asnet-spark", "dev.asnet.spark");
    }

    static final Path BUILD_DIR = PublishedRepository.BUILD_DIR;
    static final Path REPO = PublishedRepository.REPO;
    static final Path LOCAL_REPO = PublishedRepository.LOCAL_REPO;

    @BeforeAll
    static void deployIntoAFileRepository() throws Exception {
        PublishedRepository.deploy().requireSuccess();
    }

    @Test
    void everyLibraryHasItsJarSourcesJavadocAndAStandalonePom() throws Exception {
        for (Map.Entry<String, String> lib : LIBRARIES.entrySet()) {
            String a = lib.getKey();
            Path dir = REPO.resolve("dev/asnet/" + a + "/" + VERSION);
            Path jar = dir.resolve(a + "-" + VERSION + ".jar");
            Path sources = dir.resolve(a + "-" + VERSION + "-sources.jar");
            Path javadoc = dir.resolve(a + "-" + VERSION + "-javadoc.jar");
            for (Path p : List.of(jar, sources, javadoc, dir.resolve(a + "-" + VERSION + ".pom"))) {
                assertTrue(Files.isRegularFile(p), "not deployed: " + REPO.relativize(p));
            }
            try (JarFile j = new JarFile(jar.toFile())) {
                assertEquals(lib.getValue(), j.getManifest().getMainAttributes().getValue("Automatic-Module-Name"), a);
            }
            assertTrue(entries(sources).stream().anyMatch(e -> e.endsWith(".java")), a + " sources has no .java");
            assertTrue(entries(javadoc).contains("index.html"), a + " javadoc has no index.html");

            Element pom = pom(a);
            assertEquals(VERSION, text(pom, "version"), a);
            assertEquals(null, child(pom, "parent"), a + ": the published pom must not need the parent");
            for (String required : List.of("name", "description", "url")) {
                assertFalse(text(pom, required).isBlank(), a + " has no " + required);
            }
            assertEquals("https://github.com/asnet-dev/asnet", text(pom, "url"), a);
            assertEquals("Apache License, Version 2.0", text(child(child(pom, "licenses"), "license"), "name"), a);
            assertNotNull(child(child(pom, "developers"), "developer"), a + " has no developer");
            assertEquals("https://github.com/asnet-dev/asnet", text(child(pom, "scm"), "url"), a);
            assertNotNull(child(child(pom, "scm"), "connection"), a + " scm has no connection");
            String raw = Files.readString(dir.resolve(a + "-" + VERSION + ".pom"));
            assertFalse(raw.contains("${"), a + ": unresolved property in the published pom");
            for (Element d : dependencies(pom)) {
                assertFalse(text(d, "version").isBlank(), a + ": dependency without a version: " + text(d, "artifactId"));
                assertFalse(text(d, "groupId").equals("com.google.protobuf"),
                        a + " depends on protobuf itself: " + text(d, "artifactId"));
                if ("dev.asnet".equals(text(d, "groupId"))) {
                    assertEquals(VERSION, text(d, "version"), a + " -> " + text(d, "artifactId"));
                }
            }
        }
    }

    @Test
    void theBomPinsExactlyAsnetsLibrariesAndOnnxRuntime() throws Exception {
        Element bom = pom("asnet-bom");
        assertEquals("pom", text(bom, "packaging"));
        assertEquals(null, child(bom, "parent"), "an imported BOM brings its parent's dependencyManagement along");
        assertEquals("Apache License, Version 2.0", text(child(child(bom, "licenses"), "license"), "name"));
        Map<String, String> pinned = new TreeMap<>();
        for (Element d : children(child(child(bom, "dependencyManagement"), "dependencies"), "dependency")) {
            pinned.put(text(d, "groupId") + ":" + text(d, "artifactId"), text(d, "version"));
        }
        // The ONNX Runtime version the libraries are built against (the runtime module's dependency).
        String ort = dependencies(pom("asnet-runtime")).stream()
                .filter(d -> text(d, "groupId").equals("com.microsoft.onnxruntime"))
                .map(d -> text(d, "version")).findFirst().orElseThrow();
        Map<String, String> expected = new TreeMap<>();
        LIBRARIES.keySet().forEach(a -> expected.put("dev.asnet:" + a, VERSION));
        expected.put("com.microsoft.onnxruntime:onnxruntime", ort);
        expected.put("com.microsoft.onnxruntime:onnxruntime_gpu", ort);
        assertEquals(expected, pinned);
    }

    @Test
    void noPackageIsSplitAcrossModules() throws Exception {
        Map<String, String> owner = new HashMap<>();
        Map<String, Path> jars = new LinkedHashMap<>();
        LIBRARIES.keySet().forEach(a -> jars.put(a, REPO.resolve("dev/asnet/" + a + "/" + VERSION + "/" + a + "-" + VERSION + ".jar")));
        try (Stream<Path> cli = Files.list(BUILD_DIR)) {
            jars.put("asnet-cli", cli.filter(p -> p.getFileName().toString().matches("asnet-cli-.*\\.jar"))
                    .filter(p -> !p.getFileName().toString().matches(".*-(sources|javadoc|tests)\\.jar"))
                    .findFirst().orElseThrow(() -> new AssertionError("no asnet-cli jar in " + BUILD_DIR)));
        }
        for (Map.Entry<String, Path> jar : jars.entrySet()) {
            Set<String> packages = entries(jar.getValue()).stream()
                    .filter(e -> e.endsWith(".class") && !e.startsWith("META-INF/") && e.contains("/"))
                    .map(e -> e.substring(0, e.lastIndexOf('/')).replace('/', '.'))
                    .collect(Collectors.toCollection(TreeSet::new));
            assertFalse(packages.isEmpty(), jar.getKey() + " has no classes");
            for (String p : packages) {
                String before = owner.putIfAbsent(p, jar.getKey());
                assertEquals(null, before, "package " + p + " is in both " + before + " and " + jar.getKey());
            }
        }
    }

    @Test
    void theLocalRepositoryIsOnlyRead() throws IOException {
        Path asnet = LOCAL_REPO.resolve("dev/asnet");
        if (!Files.isDirectory(asnet)) {
            return;
        }
        try (Stream<Path> all = Files.walk(asnet)) {
            List<Path> written = all.filter(p -> p.toString().contains(VERSION)).toList();
            assertEquals(List.of(), written, "the check installed into the local repository");
        }
    }

    private static Element pom(String artifactId) throws Exception {
        Path p = REPO.resolve("dev/asnet/" + artifactId + "/" + VERSION + "/" + artifactId + "-" + VERSION + ".pom");
        assertTrue(Files.isRegularFile(p), "not deployed: " + REPO.relativize(p));
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(false);
        Document doc = f.newDocumentBuilder().parse(p.toFile());
        return doc.getDocumentElement();
    }

    private static List<Element> dependencies(Element pom) {
        Element deps = child(pom, "dependencies");
        return deps == null ? List.of() : children(deps, "dependency");
    }

    private static List<Element> children(Element parent, String name) {
        List<Element> out = new ArrayList<>();
        if (parent == null) {
            return out;
        }
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                out.add(e);
            }
        }
        return out;
    }

    private static Element child(Element parent, String name) {
        List<Element> c = children(parent, name);
        return c.isEmpty() ? null : c.get(0);
    }

    private static String text(Element parent, String name) {
        Element c = child(parent, name);
        return c == null ? "" : c.getTextContent().trim();
    }

    private static List<String> entries(Path jar) throws IOException {
        try (JarFile j = new JarFile(jar.toFile())) {
            return j.stream().map(ZipEntry::getName).toList();
        }
    }
}
