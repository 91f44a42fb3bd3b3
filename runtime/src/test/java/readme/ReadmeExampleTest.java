package readme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.asnet.exporter.export.AslLowering;
import dev.asnet.exporter.ir.Model;
import dev.asnet.runtime.TestModels;
import dev.asnet.runtime.dataset.FashionMnist;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's Java snippets, compiled and run, and a check that README.md shows exactly them.
 *
 * <p>Each snippet is a whole compilation unit (its imports included) in package {@code readme}, in
 * the file {@code *Example.java} next to this test (the training one in {@code training/}'s test
 * sources, since the runtime cannot depend on training; the Spark one in {@code spark/}'s). Being outside {@code dev.asnet.*}, a
 * snippet that leaves out an import or uses a package-private API does not compile. README.md marks
 * each Java block with {@code <!-- README snippet NAME -->}; the sources mark it with
 * {@code // README snippet NAME begins} and {@code ... ends}.
 */
class ReadmeExampleTest {
    /** A marked Java block in README.md. */
    private static final Pattern README_SNIPPET =
            Pattern.compile("<!-- README snippet ([\\w-]+) -->\\n```java\\n(.*?)\\n```", Pattern.DOTALL);
    /** A marked snippet in a source file. */
    private static final Pattern SOURCE_SNIPPET =
            Pattern.compile("// README snippet ([\\w-]+) begins\\n(.*?)\\n// README snippet \\1 ends", Pattern.DOTALL);
    /** Where snippet sources live, relative to this module (Maven runs tests in the module folder). */
    private static final List<Path> SOURCE_DIRS = List.of(Path.of("src/test/java/readme"),
            Path.of("../training/src/test/java/readme"), Path.of("../spark/src/test/java/readme"));

    @TempDir
    Path dir;

    @Test
    void theRuntimeExampleRuns() throws Exception {
        assumeTrue(Files.isDirectory(FashionMnist.DEFAULT_DIR), "dataset-fashion-mnist not installed");
        Path model = Files.write(dir.resolve("as-resnet20.onnx"), TestModels.fashion(TestModels.AS_RESNET, AslLowering.CUSTOM));
        Path image = dir.resolve("shoe.png");
        ImageIO.write(new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB), "png", image.toFile());
        ClassifyExample.classify(model, image);
    }

    @Test
    void theExportAndOpsExamplesRun() throws Exception {
        Path file = dir.resolve("as-resnet20-16x3.onnx");
        Model back = ExportExample.export(file);
        assertTrue(Files.size(file) > 0);
        assertTrue(back.graph().nodes().size() > 0);
        OpsExample.open(Files.write(dir.resolve("custom.onnx"),
                TestModels.fashion(TestModels.AS_RESNET, AslLowering.CUSTOM)).toString());
    }

    @Test
    void theReadmeShowsExactlyTheseSnippets() throws IOException {
        String readme = Files.readString(Path.of("../README.md"));
        Map<String, String> shown = snippets(README_SNIPPET, readme, "README.md");
        // Every Java block must be marked: an unmarked one would be neither compiled nor compared.
        int javaBlocks = readme.split("```java\\n", -1).length - 1;
        assertEquals(javaBlocks, shown.size(), "every ```java block in README.md needs a <!-- README snippet NAME --> line "
                + "above it; marked: " + shown.keySet());
        Map<String, String> compiled = new TreeMap<>();
        for (Path d : SOURCE_DIRS) {
            try (Stream<Path> files = Files.list(d)) {
                for (Path f : (Iterable<Path>) files.sorted()::iterator) {
                    snippets(SOURCE_SNIPPET, Files.readString(f), f.toString()).forEach((name, code) ->
                            assertEquals(null, compiled.put(name, code), "snippet " + name + " is defined twice"));
                }
            }
        }
        assertEquals(compiled.keySet(), shown.keySet(), "README snippets and compiled snippets");
        for (String name : shown.keySet()) {
            assertEquals(compiled.get(name), shown.get(name), "README snippet " + name
                    + " differs from its source in package readme (update one to match the other)");
        }
    }

    private static Map<String, String> snippets(Pattern pattern, String text, String where) {
        Map<String, String> out = new TreeMap<>();
        Matcher m = pattern.matcher(text.replace("\r\n", "\n"));
        while (m.find()) {
            assertEquals(null, out.put(m.group(1), m.group(2)), where + " has snippet " + m.group(1) + " twice");
        }
        return out;
    }
}
