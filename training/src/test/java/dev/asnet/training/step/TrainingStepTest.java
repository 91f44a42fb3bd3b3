package dev.asnet.training.step;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.asnet.exporter.ir.Model;
import dev.asnet.runtime.dataset.FashionMnist;
import dev.asnet.runtime.dataset.LabeledImages;
import dev.asnet.training.autodiff.ParameterKind;
import dev.asnet.training.autodiff.SgdOptions;
import dev.asnet.training.autodiff.TrainingGraph;
import dev.asnet.training.autodiff.TrainingGraphBuilder;
import dev.asnet.training.data.Augmentation;
import dev.asnet.training.data.BatchSource;
import dev.asnet.training.data.Seeds;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrainingStepTest {

    @Test
    void parametersAreClassifiedByUse() {
        TrainingGraph g = TrainingGraphBuilder.trainingStep(TinyNet.build(1), 4, SgdOptions.reference());
        Map<String, ParameterKind> k = g.parameterKinds();
        assertEquals(ParameterKind.SHIFT, k.get("shift.shift"));
        assertEquals(ParameterKind.NO_DECAY, k.get("bn1.weight"));
        assertEquals(ParameterKind.NO_DECAY, k.get("fc.bias"));
        assertEquals(ParameterKind.WEIGHT, k.get("conv1.weight"));
        assertEquals(ParameterKind.WEIGHT, k.get("fc.weight"));
    }

    @Test
    void shiftsMoveAtTheMultipliedRateWhateverTheirGradient() throws Exception {
        // With momentum 0 and normalization, one step moves each channel's shift by exactly
        // lr * multiplier in Euclidean length (unless its gradient is 0).
        SgdOptions sgd = SgdOptions.builder().optMomentum(0f).optNesterov(false).optWeightDecay(0f).build();
        TrainingGraph g = TrainingGraphBuilder.trainingStep(TinyNet.build(2), 8, sgd);
        try (TrainingStep s = new TrainingStep(g, 1)) {
            java.util.Random r = new java.util.Random(3);
            for (int i = 0; i < s.images().capacity(); i++) {
                s.images().put(i, (float) r.nextGaussian());
            }
            for (int i = 0; i < 8; i++) {
                s.labels().put(i, i % 10);
            }
            float[] before = s.state().get("shift.shift");
            s.run(2f);
            float[] after = s.state().get("shift.shift");
            for (int c = 0; c < before.length / 2; c++) {
                double d = Math.hypot(after[2 * c] - before[2 * c], after[2 * c + 1] - before[2 * c + 1]);
                assertEquals(0.02, d, 1e-4, "channel " + c);
            }
        }
    }

    @Test
    void fewHundredStepsOnASliceLearn() throws Exception {
        LabeledImages train = FashionMnist.load(FashionMnist.DEFAULT_DIR, FashionMnist.Split.TRAIN).limit(2048);
        BatchSource src = new BatchSource(train, 0.286f, 0.353f);
        Model model = TinyNet.build(4);
        int batch = 32;
        TrainingGraph g = TrainingGraphBuilder.trainingStep(model, batch, SgdOptions.reference());
        int steps = 300;
        double firstLoss = 0;
        double lastLoss = 0;
        int firstCorrect = 0;
        int lastCorrect = 0;
        long overhead = 0;
        try (TrainingStep s = new TrainingStep(g, 2)) {
            float[] initialFc = s.state().get("fc.weight");
            for (int k = 0; k < steps; k++) {
                int epoch = k / (train.size() / batch);
                int b = k % (train.size() / batch);
                src.fill(src.permutation(5, epoch), b * batch, batch, new Augmentation(2, true), Seeds.mix(5, epoch, b),
                        s.images(), s.labels());
                StepResult r = s.run(0.05f);
                overhead += r.totalNanos() - r.runNanos();
                if (k < 30) {
                    firstLoss += r.loss();
                    firstCorrect += r.correct();
                } else if (k >= steps - 30) {
                    lastLoss += r.loss();
                    lastCorrect += r.correct();
                }
            }
            assertTrue(lastLoss < 0.6 * firstLoss, "loss " + firstLoss / 30 + " -> " + lastLoss / 30);
            assertTrue(lastCorrect > firstCorrect + 0.25 * 30 * batch,
                    "accuracy " + firstCorrect / (30.0 * batch) + " -> " + lastCorrect / (30.0 * batch));
            assertNotEquals(initialFc[0], s.state().get("fc.weight")[0]);
            float[] rm = s.state().get("bn2.running_mean");
            assertTrue(Math.abs(rm[0]) > 0, "running statistics are updated");
            // Java-side work per step (filling nothing here: the buffers are written above, outside).
            assertTrue(overhead / steps < 2_000_000, "per-step overhead " + overhead / steps / 1e3 + " us");
        }
    }

    @Test
    void loadRestoresStateExactly() throws Exception {
        TrainingGraph g = TrainingGraphBuilder.trainingStep(TinyNet.build(6), 4, SgdOptions.reference());
        try (TrainingStep a = new TrainingStep(g, 1); TrainingStep b = new TrainingStep(g, 1)) {
            for (int i = 0; i < a.images().capacity(); i++) {
                a.images().put(i, (float) Math.sin(i));
                b.images().put(i, (float) Math.sin(i));
            }
            for (int i = 0; i < 4; i++) {
                a.labels().put(i, i);
                b.labels().put(i, i);
            }
            a.run(0.1f);
            b.load(a.state());
            StepResult ra = a.run(0.1f);
            StepResult rb = b.run(0.1f);
            assertEquals(ra.loss(), rb.loss());
            for (Map.Entry<String, float[]> e : a.state().entrySet()) {
                assertArrayEquals(e.getValue(), b.state().get(e.getKey()), e.getKey());
            }
        }
    }
}
