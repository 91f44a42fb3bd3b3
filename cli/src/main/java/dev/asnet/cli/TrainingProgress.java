package dev.asnet.cli;

import dev.asnet.training.trainer.EpochMetrics;
import dev.asnet.training.trainer.TrainingListener;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progress bar per epoch on the terminal (images per second, running loss, accuracy and
 * learning rate), in front of another listener that prints the lines.
 */
final class TrainingProgress implements TrainingListener {
    private final TrainingListener lines;
    private ProgressBar bar;
    private long shown;

    TrainingProgress(TrainingListener lines) {
        this.lines = lines;
    }

    /**
     * Progress for a log file or a pipe: a plain line on {@code err} at most every {@link
     * Progress#PLAIN_INTERVAL_NANOS} (epoch, images done, loss, accuracy, learning rate), no bar and
     * no escape codes, in front of a listener that prints the per-epoch lines.
     *
     * @param lines the listener that prints epochs and notes
     * @param err where the progress lines go
     * @return the listener
     */
    static TrainingListener plain(TrainingListener lines, PrintWriter err) {
        return new TrainingListener() {
            private int epoch;
            private int epochs;
            private long images;
            private long last = Long.MIN_VALUE;

            @Override
            public void epochStarted(int epoch, int epochs, long images, long firstImage) {
                this.epoch = epoch;
                this.epochs = epochs;
                this.images = images;
                last = Long.MIN_VALUE;
            }

            @Override
            public void stepFinished(long imagesDone, double meanLoss, double accuracy, float learningRate) {
                long now = System.nanoTime();
                if (last == Long.MIN_VALUE || now - last >= Progress.PLAIN_INTERVAL_NANOS) {
                    last = now;
                    err.printf(Locale.ROOT, "epoch %d/%d: %d/%d images, loss %.4f acc %.2f%% lr %.4f%n", epoch, epochs,
                            imagesDone, images, meanLoss, 100 * accuracy, learningRate);
                    err.flush();
                }
            }

            @Override
            public void epochFinished(EpochMetrics metrics, int epochs) {
                lines.epochFinished(metrics, epochs);
            }

            @Override
            public void trainingFinished(Path model, List<EpochMetrics> history, Map<String, float[]> shifts) {
                lines.trainingFinished(model, history, shifts);
            }

            @Override
            public void note(String line) {
                lines.note(line);
            }
        };
    }

    @Override
    public void epochStarted(int epoch, int epochs, long images, long firstImage) {
        bar = new ProgressBarBuilder().setTaskName(String.format(Locale.ROOT, "epoch %d/%d", epoch, epochs))
                .setInitialMax(images).setUnit(" img", 1).showSpeed().setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(500).build();
        bar.stepTo(firstImage);
        shown = firstImage;
    }

    @Override
    public void stepFinished(long imagesDone, double meanLoss, double accuracy, float learningRate) {
        if (bar != null) {
            bar.stepBy(imagesDone - shown);
            shown = imagesDone;
            bar.setExtraMessage(String.format(Locale.ROOT, "loss %.4f acc %.2f%% lr %.4f", meanLoss, 100 * accuracy,
                    learningRate));
        }
    }

    @Override
    public void epochStepsEnded(int epoch) {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }

    @Override
    public void epochFinished(EpochMetrics metrics, int epochs) {
        lines.epochFinished(metrics, epochs);
    }

    @Override
    public void trainingFinished(Path model, List<EpochMetrics> history, Map<String, float[]> shifts) {
        lines.trainingFinished(model, history, shifts);
    }

    @Override
    public void note(String line) {
        lines.note(line);
    }
}
