package dev.asnet.training.trainer;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a {@link Trainer} reports while it runs: progress within an epoch, finished epochs, the
 * end of the run, and notes (resumed, stopped, exported). Every method has an empty default, so a
 * listener implements only what it shows; the {@code asnet train} command draws a progress bar and
 * charts with one. Called on the training thread.
 */
public interface TrainingListener {
    /** A listener that ignores everything. */
    TrainingListener NONE = new TrainingListener() {};

    /**
     * An epoch starts (or continues after a resume).
     *
     * @param epoch the epoch, from 1
     * @param epochs the run's epoch count
     * @param images training images per epoch
     * @param firstImage images of this epoch already done (non-zero after a resume mid-epoch)
     */
    default void epochStarted(int epoch, int epochs, long images, long firstImage) {}

    /**
     * A training step finished.
     *
     * @param imagesDone images of this epoch done so far
     * @param meanLoss mean training loss of the epoch so far
     * @param accuracy training accuracy of the epoch so far
     * @param learningRate the step's learning rate
     */
    default void stepFinished(long imagesDone, double meanLoss, double accuracy, float learningRate) {}

    /**
     * The epoch's steps are done (or the run stops inside it); evaluation follows.
     *
     * @param epoch the epoch, from 1
     */
    default void epochStepsEnded(int epoch) {}

    /**
     * An epoch finished and was evaluated; its checkpoint and metrics are written.
     *
     * @param metrics the epoch's figures
     * @param epochs the run's epoch count
     */
    default void epochFinished(EpochMetrics metrics, int epochs) {}

    /**
     * The last epoch finished and the inference model was exported.
     *
     * @param model the exported model file
     * @param history every epoch's figures
     * @param shifts the learned [C, 2] shifts of every Active Shift layer, by parameter name
     */
    default void trainingFinished(Path model, List<EpochMetrics> history, Map<String, float[]> shifts) {}

    /**
     * A note for the user, one line (resumed, stopped, exported, already finished).
     *
     * @param line the note
     */
    default void note(String line) {}

    /**
     * One listener that passes every event to several, in order; each implements only what it
     * shows (a progress bar, per-epoch lines, charts at the end).
     *
     * @param listeners the listeners
     * @return the combined listener
     */
    static TrainingListener all(TrainingListener... listeners) {
        List<TrainingListener> each = List.of(listeners);
        return new TrainingListener() {
            @Override
            public void epochStarted(int epoch, int epochs, long images, long firstImage) {
                each.forEach(l -> l.epochStarted(epoch, epochs, images, firstImage));
            }

            @Override
            public void stepFinished(long imagesDone, double meanLoss, double accuracy, float learningRate) {
                each.forEach(l -> l.stepFinished(imagesDone, meanLoss, accuracy, learningRate));
            }

            @Override
            public void epochStepsEnded(int epoch) {
                each.forEach(l -> l.epochStepsEnded(epoch));
            }

            @Override
            public void epochFinished(EpochMetrics metrics, int epochs) {
                each.forEach(l -> l.epochFinished(metrics, epochs));
            }

            @Override
            public void trainingFinished(Path model, List<EpochMetrics> history, Map<String, float[]> shifts) {
                each.forEach(l -> l.trainingFinished(model, history, shifts));
            }

            @Override
            public void note(String line) {
                each.forEach(l -> l.note(line));
            }
        };
    }

    /**
     * A listener that prints one line per finished epoch and every note.
     *
     * @param out where to print
     * @return the listener
     */
    static TrainingListener printing(PrintStream out) {
        return new TrainingListener() {
            @Override
            public void epochFinished(EpochMetrics m, int epochs) {
                out.printf(Locale.ROOT, "epoch %d/%d: train loss %.4f acc %.2f%% | test loss %.4f acc %.2f%% | lr %.5f"
                        + " | %.0f s, %.1f img/s%n", m.epoch(), epochs, m.trainLoss(), 100 * m.trainAccuracy(),
                        m.testLoss(), 100 * m.testAccuracy(), m.lr(), m.seconds(), m.imagesPerSecond());
            }

            @Override
            public void note(String line) {
                out.println(line);
            }
        };
    }
}
