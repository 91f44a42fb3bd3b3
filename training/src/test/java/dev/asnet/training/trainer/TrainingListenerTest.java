package dev.asnet.training.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link TrainingListener#all} passes every event to every listener, in order. */
class TrainingListenerTest {
    private record Logging(String name, List<String> log) implements TrainingListener {
        @Override
        public void epochStarted(int epoch, int epochs, long images, long firstImage) {
            log.add(name + " start " + epoch);
        }

        @Override
        public void stepFinished(long imagesDone, double meanLoss, double accuracy, float learningRate) {
            log.add(name + " step " + imagesDone);
        }

        @Override
        public void epochStepsEnded(int epoch) {
            log.add(name + " steps ended " + epoch);
        }

        @Override
        public void epochFinished(EpochMetrics metrics, int epochs) {
            log.add(name + " epoch " + metrics.epoch());
        }

        @Override
        public void trainingFinished(Path model, List<EpochMetrics> history, Map<String, float[]> shifts) {
            log.add(name + " finished " + model);
        }

        @Override
        public void note(String line) {
            log.add(name + " note " + line);
        }
    }

    @Test
    void everyEventReachesEveryListenerInOrder() {
        List<String> log = new ArrayList<>();
        TrainingListener all = TrainingListener.all(new Logging("a", log), TrainingListener.NONE,
                new Logging("b", log));
        all.epochStarted(1, 2, 10, 0);
        all.stepFinished(5, 0.5, 0.5, 0.1f);
        all.epochStepsEnded(1);
        all.epochFinished(new EpochMetrics(1, 1, 0.5, 1, 0.5, 0.1f, 1, 10), 2);
        all.trainingFinished(Path.of("m.onnx"), List.of(), Map.of());
        all.note("hi");
        assertEquals(List.of("a start 1", "b start 1", "a step 5", "b step 5", "a steps ended 1", "b steps ended 1",
                "a epoch 1", "b epoch 1", "a finished m.onnx", "b finished m.onnx", "a note hi", "b note hi"), log);
    }
}
