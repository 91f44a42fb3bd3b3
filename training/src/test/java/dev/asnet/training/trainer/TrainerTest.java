package dev.asnet.training.trainer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.asnet.exporter.export.AslLowering;
import dev.asnet.ops.OrtEnvironments;
import dev.asnet.runtime.dataset.FashionMnist;
import dev.asnet.runtime.dataset.ImageSize;
import dev.asnet.runtime.dataset.IdxFormatException;
import dev.asnet.runtime.dataset.LabeledImages;
import dev.asnet.ops.AsnetOps;
import dev.asnet.training.data.Augmentation;
import dev.asnet.training.data.BatchSource;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trainer end to end on a slice of Fashion-MNIST with the smallest zoo AS-ResNet20: one
 * uninterrupted run is shared by the tests that inspect its outputs.
 */
class TrainerTest {
    private static final int TEST_IMAGES = 300;

    @TempDir
    static Path shared;

    private static TrainResult full;
    private static Path fullOut;

    static TrainConfig config(Path data) {
        return new TrainConfig("as-resnet20-16x1", 2, 32, 0.05f, Schedule.COSINE, 5e-4f, 0.9f, 1, 11L, data, 320,
                TEST_IMAGES, 2, true, AslLowering.CUSTOM, 128);
    }

    /** Records what the trainer reports. */
    static final class Recorder implements TrainingListener {
        final List<String> events = new ArrayList<>();
        Map<String, float[]> shifts;
        long lastImages;

        @Override
        public void epochStarted(int epoch, int epochs, long images, long firstImage) {
            events.add("start " + epoch + "/" + epochs + " " + firstImage + "/" + images);
        }

        @Override
        public void stepFinished(long imagesDone, double meanLoss, double accuracy, float learningRate) {
            lastImages = imagesDone;
        }

        @Override
        public void epochFinished(EpochMetrics metrics, int epochs) {
            events.add("epoch " + metrics.epoch() + " after " + lastImages);
        }

        @Override
        public void trainingFinished(Path model, List<EpochMetrics> history, Map<String, float[]> shifts) {
            events.add("finished " + model.getFileName() + " " + history.size());
            this.shifts = shifts;
        }
    }

    private static final Recorder RECORDER = new Recorder();

    @BeforeAll
    static void trainOnce() throws Exception {
        fullOut = shared.resolve("full");
        full = Trainer.builder(config(FashionMnist.DEFAULT_DIR)).setOutput(fullOut).optListener(RECORDER).build()
                .run(Long.MAX_VALUE);
    }

    @Test
    void writesMetricsCheckpointAndModelAndReportsProgress() throws Exception {
        assertTrue(full.completed());
        assertEquals(2, full.history().size());
        for (String f : new String[] {MetricsFiles.CSV, MetricsFiles.JSON, Checkpoint.FILE_NAME, Trainer.MODEL_FILE}) {
            assertTrue(Files.size(fullOut.resolve(f)) > 0, f);
        }
        assertEquals(3, Files.readAllLines(fullOut.resolve(MetricsFiles.CSV)).size());
        // 320 images in batches of 32: 10 steps, 320 images per epoch.
        assertEquals(List.of("start 1/2 0/320", "epoch 1 after 320", "start 2/2 0/320", "epoch 2 after 320",
                "finished model.onnx 2"), RECORDER.events);
        assertEquals(9, RECORDER.shifts.size(), "the shifts of every ASL layer");
        RECORDER.shifts.values().forEach(s -> assertTrue(s.length > 0 && s.length % 2 == 0));
    }

    @Test
    void resumingMidEpochReproducesTheUninterruptedRun() throws Exception {
        Path out = shared.resolve("resumed");
        TrainResult first = Trainer.builder(config(FashionMnist.DEFAULT_DIR)).setOutput(out).build().run(13);
        assertFalse(first.completed());
        Checkpoint mid = Checkpoint.read(out);
        assertEquals(1, mid.progress().epoch(), "13 steps of 10 per epoch stop in the second epoch");
        assertEquals(3, mid.progress().batch());
        TrainResult rest = Trainer.builder(config(FashionMnist.DEFAULT_DIR)).setOutput(out).optResume(out).build()
                .run(Long.MAX_VALUE);
        assertTrue(rest.completed());
        assertEquals(full.history().size(), rest.history().size());
        for (int i = 0; i < rest.history().size(); i++) {
            EpochMetrics a = full.history().get(i);
            EpochMetrics b = rest.history().get(i);
            assertEquals(a.trainLoss(), b.trainLoss(), "train loss of epoch " + a.epoch());
            assertEquals(a.testAccuracy(), b.testAccuracy(), "test accuracy of epoch " + a.epoch());
        }
        Map<String, float[]> expected = Checkpoint.read(fullOut).state();
        Map<String, float[]> actual = Checkpoint.read(out).state();
        assertEquals(expected.keySet(), actual.keySet());
        for (String k : expected.keySet()) {
            assertArrayEquals(expected.get(k), actual.get(k), k);
        }
    }

    @Test
    void resumingAFinishedRunKeepsItsResult() throws Exception {
        Path model = fullOut.resolve(Trainer.MODEL_FILE);
        var before = Files.getLastModifiedTime(model);
        byte[] bytes = Files.readAllBytes(model);
        TrainResult again = Trainer.builder(config(FashionMnist.DEFAULT_DIR)).setOutput(fullOut).optResume(fullOut)
                .build().run(Long.MAX_VALUE);
        assertTrue(again.completed());
        assertEquals(model, again.model());
        assertEquals(full.history(), again.history());
        assertEquals(before, Files.getLastModifiedTime(model), "the exported model is not rewritten");
        assertArrayEquals(bytes, Files.readAllBytes(model));
    }

    @Test
    void exportedModelScoresWhatTheTrainerMeasured() throws Exception {
        LabeledImages test = FashionMnist.load(FashionMnist.DEFAULT_DIR, FashionMnist.Split.TEST).limit(TEST_IMAGES);
        BatchSource src = new BatchSource(test, 0.2860f, 0.3530f);
        int[] order = new int[TEST_IMAGES];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        FloatBuffer images = FloatBuffer.allocate(TEST_IMAGES * 28 * 28);
        src.fill(order, 0, TEST_IMAGES, Augmentation.none(), 0, images, null);
        OrtEnvironment env = OrtEnvironments.get();
        int correct = 0;
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            AsnetOps.register(so);
            try (OrtSession s = env.createSession(fullOut.resolve(Trainer.MODEL_FILE).toString(), so);
                    OnnxTensor x = OnnxTensor.createTensor(env, images.rewind(), new long[] {TEST_IMAGES, 1, 28, 28});
                    OrtSession.Result r = s.run(Map.of(s.getInputNames().iterator().next(), x))) {
                float[][] logits = (float[][]) r.get(0).getValue();
                for (int i = 0; i < TEST_IMAGES; i++) {
                    int arg = 0;
                    for (int c = 1; c < 10; c++) {
                        if (logits[i][c] > logits[i][arg]) {
                            arg = c;
                        }
                    }
                    correct += arg == test.label(i) ? 1 : 0;
                }
            }
        }
        double measured = full.history().get(full.history().size() - 1).testAccuracy();
        // BN folding reorders float arithmetic; allow at most one borderline image to flip.
        assertEquals(measured * TEST_IMAGES, correct, 1.0, "exported model accuracy");
    }

    @Test
    void damagedCheckpointsAreReportedClearly(@TempDir Path dir) throws Exception {
        Path file = fullOut.resolve(Checkpoint.FILE_NAME);
        byte[] good = Files.readAllBytes(file);

        Path truncated = Files.createDirectories(dir.resolve("truncated"));
        Files.write(truncated.resolve(Checkpoint.FILE_NAME), java.util.Arrays.copyOf(good, good.length - 100));
        assertTrue(assertThrows(CheckpointException.class, () -> Checkpoint.read(truncated)).getMessage()
                .contains("truncated"));

        Path flipped = Files.createDirectories(dir.resolve("flipped"));
        byte[] bad = good.clone();
        bad[bad.length - 200] ^= 0x10;
        Files.write(flipped.resolve(Checkpoint.FILE_NAME), bad);
        assertTrue(assertThrows(CheckpointException.class, () -> Checkpoint.read(flipped)).getMessage()
                .contains("CRC32 mismatch"));

        Path garbage = Files.createDirectories(dir.resolve("garbage"));
        Files.writeString(garbage.resolve(Checkpoint.FILE_NAME), "not a checkpoint at all, just text");
        assertTrue(assertThrows(CheckpointException.class, () -> Checkpoint.read(garbage)).getMessage()
                .contains("bad magic"));

        Path empty = Files.createDirectories(dir.resolve("empty"));
        assertTrue(assertThrows(CheckpointException.class, () -> Checkpoint.read(empty)).getMessage()
                .contains("not found"));

        TrainConfig other = new TrainConfig("as-resnet20-16x1", 3, 32, 0.05f, Schedule.COSINE, 5e-4f, 0.9f, 1, 11L,
                FashionMnist.DEFAULT_DIR, 320, TEST_IMAGES, 2, true, AslLowering.CUSTOM, 128);
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> Trainer.builder(other).setOutput(dir.resolve("o")).optResume(fullOut).build().run(1));
        assertTrue(e.getMessage().contains("different run"), e.getMessage());
    }

    @Test
    void wrongDataFoldersAreReportedClearly(@TempDir Path dir) throws Exception {
        NoSuchFileException missing = assertThrows(NoSuchFileException.class,
                () -> Trainer.builder(config(dir.resolve("nowhere"))).setOutput(dir.resolve("o1")).build().run(1));
        assertTrue(missing.getMessage().contains("dataset-fashion-mnist"), missing.getMessage());

        Path junk = Files.createDirectories(dir.resolve("junk"));
        for (String f : new String[] {"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                "t10k-labels-idx1-ubyte"}) {
            Files.writeString(junk.resolve(f), "this is not an IDX file");
        }
        assertThrows(IdxFormatException.class,
                () -> Trainer.builder(config(junk)).setOutput(dir.resolve("o2")).build().run(1));

        // Valid IDX files of another image size: refused, naming both sizes.
        Path small = Files.createDirectories(dir.resolve("small"));
        for (String split : new String[] {"train", "t10k"}) {
            int n = 400;
            java.nio.ByteBuffer im = java.nio.ByteBuffer.allocate(16 + n * 20 * 20);
            im.putInt(0x00000803).putInt(n).putInt(20).putInt(20);
            java.nio.ByteBuffer lb = java.nio.ByteBuffer.allocate(8 + n);
            lb.putInt(0x00000801).putInt(n);
            for (int i = 0; i < n; i++) {
                lb.put((byte) (i % 10));
            }
            Files.write(small.resolve(split + "-images-idx3-ubyte"), im.array());
            Files.write(small.resolve(split + "-labels-idx1-ubyte"), lb.array());
        }
        // IDX images are used at their own size; an input size that differs is refused, naming both.
        TrainConfig sized = new TrainConfig("as-resnet20-16x1", 1, 32, 0.05f, Schedule.COSINE, 5e-4f, 0.9f, 1, 11L, small, 320,
                TEST_IMAGES, 2, true, AslLowering.CUSTOM, 128, new DataOptions(null, new ImageSize(1, 28, 28), 0, null,
                        null, 0, null, null));
        IllegalArgumentException size = assertThrows(dev.asnet.runtime.InputMismatchException.class,
                () -> Trainer.builder(sized).setOutput(dir.resolve("o3")).build().run(1));
        assertTrue(size.getMessage().contains("are 20x20 but the input is 1x28x28"), size.getMessage());

        TrainConfig hugeBatch = new TrainConfig("as-resnet20-16x1", 1, 321, 0.05f, Schedule.COSINE, 5e-4f, 0.9f, 1, 11L,
                FashionMnist.DEFAULT_DIR, 320, TEST_IMAGES, 2, true, AslLowering.CUSTOM, 128);
        assertTrue(assertThrows(InvalidRunException.class,
                () -> Trainer.builder(hugeBatch).setOutput(dir.resolve("o4")).build().run(1)).getMessage()
                .contains("batch 321 is larger than the 320 training images"));
        TrainConfig hugePad = new TrainConfig("as-resnet20-16x1", 1, 32, 0.05f, Schedule.COSINE, 5e-4f, 0.9f, 1, 11L,
                FashionMnist.DEFAULT_DIR, 320, TEST_IMAGES, 29, true, AslLowering.CUSTOM, 128);
        assertThrows(InvalidRunException.class, () -> Trainer.builder(hugePad).setOutput(dir.resolve("o5")).build().run(1));
        for (String o : new String[] {"o1", "o2", "o3", "o4", "o5"}) {
            assertFalse(Files.exists(dir.resolve(o)), "a refused run leaves no output folder: " + o);
        }
    }

    @Test
    void aFreshRunNeverReplacesAFinishedOne(@TempDir Path dir) throws Exception {
        byte[] model = Files.readAllBytes(fullOut.resolve(Trainer.MODEL_FILE));
        byte[] checkpoint = Files.readAllBytes(fullOut.resolve(Checkpoint.FILE_NAME));
        RunFolder.RunFolderException e = assertThrows(RunFolder.RunFolderException.class,
                () -> Trainer.builder(config(FashionMnist.DEFAULT_DIR)).setOutput(fullOut).build().run(1));
        assertEquals(RunFolder.RunFolderException.Reason.HOLDS_RESULTS, e.reason());
        // Nor does a run resumed from elsewhere into it.
        Path elsewhere = dir.resolve("elsewhere");
        Trainer.builder(config(FashionMnist.DEFAULT_DIR)).setOutput(elsewhere).build().run(1);
        assertThrows(RunFolder.RunFolderException.class,
                () -> Trainer.builder(config(FashionMnist.DEFAULT_DIR)).setOutput(fullOut).optResume(elsewhere).build()
                        .run(1));
        assertArrayEquals(model, Files.readAllBytes(fullOut.resolve(Trainer.MODEL_FILE)));
        assertArrayEquals(checkpoint, Files.readAllBytes(fullOut.resolve(Checkpoint.FILE_NAME)));
    }

    @Test
    void overwriteStartsAgainAndRecordsTheCommand(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("run");
        assertFalse(Trainer.builder(config(FashionMnist.DEFAULT_DIR)).setOutput(out).optCommand("first").build()
                .run(2).completed());
        assertEquals("first\n", Files.readString(out.resolve(Trainer.COMMAND_FILE)));
        assertEquals(2, Checkpoint.read(out).progress().batch());
        assertThrows(RunFolder.RunFolderException.class,
                () -> Trainer.builder(config(FashionMnist.DEFAULT_DIR)).setOutput(out).build().run(1));
        Trainer.builder(config(FashionMnist.DEFAULT_DIR)).setOutput(out).optOverwrite(true).optCommand("second").build()
                .run(1);
        assertEquals(1, Checkpoint.read(out).progress().batch(), "a new run from the start");
        assertEquals("second\n", Files.readString(out.resolve(Trainer.COMMAND_FILE)));
    }

    @Test
    void aDivergingRunSaysSoAndSuggestsALowerRate(@TempDir Path dir) throws Exception {
        TrainConfig wild = new TrainConfig("as-resnet20-16x1", 1, 32, 1e30f, Schedule.COSINE, 5e-4f, 0.9f, 1, 11L,
                FashionMnist.DEFAULT_DIR, 320, TEST_IMAGES, 2, true, AslLowering.CUSTOM, 128);
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
                () -> Trainer.builder(wild).setOutput(dir.resolve("run")).build().run(Long.MAX_VALUE));
        assertTrue(e.getMessage().startsWith("training diverged at epoch 1, batch ") && e.getMessage().contains(
                "try a lower --lr") && e.getMessage().contains("no checkpoint"), e.getMessage());
    }
}
