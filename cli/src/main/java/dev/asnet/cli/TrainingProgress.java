package dev.asnet.cli;

import dev.asnet.training.trainer.EpochMetrics;
import dev.asnet.training.trainer.TrainingListener;
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
