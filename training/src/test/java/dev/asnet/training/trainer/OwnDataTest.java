package dev.asnet.training.trainer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.asnet.exporter.InputSpec;
import dev.asnet.exporter.ModelInfo;
import dev.asnet.exporter.export.AslLowering;
import dev.asnet.runtime.RuntimeOptions;
import dev.asnet.runtime.dataset.BadImages;
import dev.asnet.runtime.dataset.DatasetException;
import dev.asnet.runtime.dataset.DatasetFolder;
import dev.asnet.runtime.dataset.ImageSize;
import dev.asnet.runtime.dataset.SyntheticDatasets;
import dev.asnet.runtime.vision.Evaluation;
import dev.asnet.runtime.vision.ImageClassifier;
import dev.asnet.training.data.ChannelStats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training on data the tests write: three classes of synthetic shapes in class folders (32x32 RGB
 * PNGs), and CIFAR-10 binary files. The smallest zoo AS-ResNet20, one thread, a few epochs.
 */
class OwnDataTest {
    @TempDir
    static Path shared;

    private static Path shapes;

    @BeforeAll
    static void writeData() throws Exception {
        shapes = SyntheticDatasets.writeShapes(shared.resolve("shapes"), 60, 20, 32, 42);
    }

    static TrainConfig config(Path data, int epochs, DataOptions options) {
        return new TrainConfig("as-resnet20-16x1", epochs, 20, 0.05f, Schedule.COSINE, 5e-4f, 0.9f, 1, 3L, data, 0, 0,
                0, true, AslLowering.CUSTOM, 64, options);
    }

    static DataOptions options(DataOptions.Loading loading) {
        return new DataOptions(null, null, 0, null, null, DataOptions.DEFAULT_PAD_FRACTION, BadImages.FAIL, loading);
    }

    @Test
    void classFoldersTrainAModelThatNamesThem() throws Exception {
        Path out = shared.resolve("shapes-run");
        TrainResult r = Trainer.builder(config(shapes, 6, options(DataOptions.Loading.AUTO))).setOutput(out).build()
                .run(Long.MAX_VALUE);
        assertTrue(r.completed());
        double accuracy = r.history().get(r.history().size() - 1).testAccuracy();
        System.out.printf("shapes, 3 classes, 180 training images, 6 epochs: validation accuracy %.3f (per epoch %s)%n",
                accuracy, r.history().stream().map(m -> String.format("%.3f", m.testAccuracy())).toList());
        assertTrue(accuracy >= 0.6, "well above chance (1/3): " + accuracy);
        try (ImageClassifier c = ImageClassifier.open(r.model(), RuntimeOptions.builder().optIntraOpThreads(1).build())) {
            assertEquals(SyntheticDatasets.SHAPES, c.labels(), "class names from the folder names");
            ChannelStats stats = ChannelStats.compute(DatasetFolder.builder(shapes).open()
                    .part(DatasetFolder.Part.TRAIN), Integer.MAX_VALUE);
            InputSpec in = c.input();
            assertEquals(new InputSpec(3, 32, 32, stats.mean(), stats.std()), in, "mean/std of the training images");
            ModelInfo info = c.model().description().info();
            assertEquals("shapes", info.trained().orElseThrow().dataset());
            // The exported model, through the runtime's file path, scores as the trainer measured.
            Evaluation e = c.evaluate(DatasetFolder.builder(shapes).optInput(new ImageSize(3, 32, 32)).open()
                    .part(DatasetFolder.Part.TEST), 16);
            assertEquals(accuracy * 60, e.correct(), 1.0, "exported model on val/");
            int right = 0;
            for (int k = 0; k < 3; k++) {
                String shape = SyntheticDatasets.SHAPES.get(k);
                try (Stream<Path> files = Files.list(shapes.resolve("val").resolve(shape))) {
                    for (Path f : files.sorted().toList()) {
                        right += c.classify(f, 1).get(0).label().equals(shape) ? 1 : 0;
                    }
                }
            }
            assertEquals(e.correct(), right, "classify(file) predicts the folder names");
        }
    }

    @Test
    void streamedDataTrainsExactlyAsInMemoryAndResumes() throws Exception {
        Path memory = shared.resolve("memory");
        Path streamed = shared.resolve("streamed");
        TrainResult m = Trainer.builder(config(shapes, 2, options(DataOptions.Loading.MEMORY))).setOutput(memory).build()
                .run(Long.MAX_VALUE);
        // Streamed: stopped mid-epoch 2 and resumed; every random choice is a function of (seed, epoch, batch).
        TrainResult first = Trainer.builder(config(shapes, 2, options(DataOptions.Loading.STREAM))).setOutput(streamed)
                .build().run(12);
        assertFalse(first.completed());
        assertEquals(1, Checkpoint.read(streamed).progress().epoch(), "9 steps per epoch: stopped in the second");
        TrainResult rest = Trainer.builder(config(shapes, 2, options(DataOptions.Loading.STREAM))).setOutput(streamed)
                .optResume(streamed).build().run(Long.MAX_VALUE);
        assertTrue(rest.completed());
        for (int i = 0; i < 2; i++) {
            assertEquals(m.history().get(i).trainLoss(), rest.history().get(i).trainLoss(), "train loss " + i);
            assertEquals(m.history().get(i).testAccuracy(), rest.history().get(i).testAccuracy(), "accuracy " + i);
        }
        Map<String, float[]> a = Checkpoint.read(memory).state();
        Map<String, float[]> b = Checkpoint.read(streamed).state();
        assertEquals(a.keySet(), b.keySet());
        for (String k : a.keySet()) {
            assertArrayEquals(a.get(k), b.get(k), k);
        }
        assertArrayEquals(Files.readAllBytes(memory.resolve(Trainer.MODEL_FILE)),
                Files.readAllBytes(streamed.resolve(Trainer.MODEL_FILE)), "the same exported model");
        // Another validation split is another run: refused on resume.
        TrainConfig otherSplit = config(shapes, 3, new DataOptions(null, null, 0.25, null, null,
                DataOptions.DEFAULT_PAD_FRACTION, null, null));
        assertThrows(Exception.class, () -> Trainer.builder(otherSplit).setOutput(streamed).optResume(streamed).build()
                .run(1));
    }

    @Test
    void cifar10FilesTrainToo() throws Exception {
        Path cifar = SyntheticDatasets.writeCifar(shared.resolve("cifar"), 100, 60, 9);
        Path out = shared.resolve("cifar-run");
        TrainResult r = Trainer.builder(config(cifar, 3, options(DataOptions.Loading.AUTO))).setOutput(out).build()
                .run(Long.MAX_VALUE);
        double accuracy = r.history().get(r.history().size() - 1).testAccuracy();
        System.out.printf("CIFAR-10 format, 4 of 10 classes used, 200 training images, 3 epochs: test accuracy %.3f%n",
                accuracy);
        assertTrue(accuracy >= 0.6, "well above chance (1/4): " + accuracy);
        try (ImageClassifier c = ImageClassifier.open(r.model(), RuntimeOptions.builder().optIntraOpThreads(1).build())) {
            assertEquals(DatasetFolder.CIFAR10_LABELS, c.labels());
            assertEquals("cifar10", c.model().description().info().trained().orElseThrow().dataset());
        }
    }

    @Test
    void aValidationSplitAndAGivenInputSizeAndNormalization(@TempDir Path dir) throws Exception {
        Path flat = SyntheticDatasets.writeShapes(dir.resolve("flat"), 12, 0, 40, 5);
        DatasetException noVal = assertThrows(DatasetException.class, () -> Trainer.builder(config(flat, 1,
                options(DataOptions.Loading.AUTO))).setOutput(dir.resolve("o1")).build().run(1));
        assertTrue(noVal.getMessage().contains("--val-split"), noVal.getMessage());
        DataOptions d = new DataOptions(DatasetFolder.Format.FOLDER, new ImageSize(1, 24, 24), 0.25, new float[] {0.5f},
                new float[] {0.25f}, 0.125f, BadImages.FAIL, DataOptions.Loading.STREAM);
        TrainResult r = Trainer.builder(config(flat, 1, d)).setOutput(dir.resolve("o2")).build().run(Long.MAX_VALUE);
        Checkpoint ck = Checkpoint.read(dir.resolve("o2"));
        assertEquals(3, ck.config().pad(), "12.5% of 24 pixels");
        assertEquals(DatasetFolder.Format.FOLDER, ck.config().dataOptions().format());
        try (ImageClassifier c = ImageClassifier.open(r.model(), RuntimeOptions.builder().optIntraOpThreads(1).build())) {
            assertEquals(new InputSpec(1, 24, 24, new float[] {0.5f}, new float[] {0.25f}), c.input());
        }
        // Mixed sizes without --input: refused before the output folder exists.
        SyntheticDatasets.write(SyntheticDatasets.shape(0, 30, 30, new java.util.Random(1)),
                flat.resolve("circle/odd.png"));
        DatasetException mixed = assertThrows(DatasetException.class, () -> Trainer.builder(config(flat, 1,
                new DataOptions(null, null, 0.25, null, null, 0, null, null))).setOutput(dir.resolve("o3")).build()
                .run(1));
        assertTrue(mixed.getMessage().contains("images of mixed sizes"), mixed.getMessage());
        for (String o : List.of("o1", "o3")) {
            assertFalse(Files.exists(dir.resolve(o)), "a refused run leaves no output folder: " + o);
        }
    }
}
