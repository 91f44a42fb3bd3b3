package dev.asnet.runtime;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.onnxruntime.OrtException;
import dev.asnet.exporter.export.AslLowering;
import dev.asnet.runtime.dataset.FashionMnist;
import dev.asnet.runtime.vision.Evaluation;
import dev.asnet.runtime.vision.ImageClassifier;
import dev.asnet.runtime.vision.Prediction;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's Java example, compiled and run; and a check that the README still shows this code. */
class ReadmeExampleTest {
    @TempDir
    Path dir;

    // README example begins
    static void classify(Path modelFile, Path image) throws IOException, OrtException {
        RuntimeOptions options = RuntimeOptions.builder()
                .optIntraOpThreads(2)                            // default 0: ONNX Runtime chooses
                .optOptimizationLevel(OptimizationLevel.ALL)     // the default
                .optExecutionProvider(ExecutionProvider.CPU)     // CUDA needs the GPU build
                .build();
        try (AsnetModel model = AsnetModel.open(modelFile, options)) {   // registers the op library if needed
            System.out.println(model.input() + " -> " + model.output());  // input: float[N, 1, 28, 28] -> logits: ...
            FloatTensor logits = model.run(FloatTensor.of(new float[2 * 28 * 28], 2, 1, 28, 28));
            List<float[]> perImage = model.runBatch(List.of(new float[28 * 28], new float[28 * 28]));

            ImageClassifier classifier = ImageClassifier.of(model);      // preprocessing from the metadata
            for (Prediction p : classifier.classify(image, 3)) {         // PNG, JPEG or BMP, any size
                System.out.printf("%s %.3f%n", p.label(), p.probability());
            }
            Evaluation e = classifier.evaluate(FashionMnist.test().limit(1000));
            System.out.println(e);                                       // accuracy 0.1000 (100/1000), ... images/s
        }
    }
    // README example ends

    @Test
    void theExampleRuns() throws Exception {
        assumeTrue(Files.isDirectory(FashionMnist.DEFAULT_DIR), "dataset-fashion-mnist not installed");
        Path model = Files.write(dir.resolve("as-resnet20.onnx"), TestModels.fashion(TestModels.AS_RESNET, AslLowering.CUSTOM));
        Path image = dir.resolve("shoe.png");
        ImageIO.write(new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB), "png", image.toFile());
        classify(model, image);
    }

    @Test
    void theReadmeShowsThisCode() throws IOException {
        String source = Files.readString(Path.of("src/test/java/dev/asnet/runtime/ReadmeExampleTest.java"));
        String example = source.substring(source.indexOf("// README example begins") + 24,
                source.indexOf("    // README example ends")).strip();
        String readme = Files.readString(Path.of("../README.md"));
        assertTrue(normalize(readme).contains(normalize(example)),
                "README.md must contain the example of ReadmeExampleTest, line for line");
    }

    /** Compares code ignoring indentation. */
    private static String normalize(String s) {
        return s.lines().map(String::strip).filter(l -> !l.isEmpty()).reduce("", (a, b) -> a + b + "\n");
    }
}
