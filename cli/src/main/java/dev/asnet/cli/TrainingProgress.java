package dev.asnet.cli;

import dev.asnet.training.trainer.TrainingListener;
import java.io.PrintWriter;
import java.util.Locale;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress within an epoch: a bar on the terminal (images per second, running loss, accuracy and
 * learning rate), or {@link #plain} lines elsewhere. Per-epoch lines and notes are another
 * listener's job ({@link TrainingListener#all} combines them).
 */
final class TrainingProgress implements TrainingListener {
    private ProgressBar bar;
    private long shown;

    TrainingProgress() {}

    /**
     * Progress for a log file or a pipe: a plain line on {@code err} at most every {@link
     * Progress#PLAIN_INTERVAL_NANOS} (epoch, images done, loss, accuracy, learning rate), no bar and
     * no escape codes.
     *
     * @param err where the progress lines go
     * @return the listener
     */
    static TrainingListener plain(PrintWriter err) {
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
}
