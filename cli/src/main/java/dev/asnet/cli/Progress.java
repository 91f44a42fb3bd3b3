package dev.asnet.cli;

import java.io.PrintWriter;
import java.util.function.Consumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress of a long command on stderr, written for where stderr goes: on a terminal a progress
 * bar that redraws itself; into a log file or a pipe plain lines, at most one per {@link
 * #PLAIN_INTERVAL_NANOS}, without the carriage returns and escape codes that would fill a log with
 * garbage. Each {@link #accept} is one step towards the total given at construction.
 */
final class Progress implements Consumer<String>, AutoCloseable {
    /** Minimum time between two plain lines: often enough to see it move, rarely enough for a log. */
    static final long PLAIN_INTERVAL_NANOS = 5_000_000_000L;

    private final PrintWriter err;
    private final String task;
    private final ProgressBar bar;
    private long lastPlain = Long.MIN_VALUE;

    private Progress(PrintWriter err, String task, ProgressBar bar) {
        this.err = err;
        this.task = task;
        this.bar = bar;
    }

    /**
     * Whether progress may be drawn as a bar: only when the JVM has a console (stdin and stdout
     * are a terminal). {@code System.console()} is the check the JDK offers; a redirected stream
     * makes it null, which is exactly when escape codes would end up in a file.
     *
     * @return true on an interactive terminal
     */
    static boolean terminal() {
        return System.console() != null;
    }

    /**
     * Progress for a task of a known number of steps.
     *
     * @param err where plain lines go (the command's stderr)
     * @param task short name shown before each line or on the bar
     * @param steps expected number of {@link #accept} calls
     * @param bar whether a bar may be drawn (false for {@code --no-progress}); ignored when
     *     {@link #terminal()} is false
     * @return the progress display; close it when the task ends
     */
    static Progress of(PrintWriter err, String task, long steps, boolean bar) {
        if (bar && terminal()) {
            err.flush();
            // The bar library writes to System.err itself, which is where the command's stderr goes.
            return new Progress(err, task, new ProgressBarBuilder().setTaskName(task).setInitialMax(steps)
                    .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250).hideEta().build());
        }
        return new Progress(err, task, null);
    }

    /**
     * One step done; {@code line} says what is happening now.
     *
     * @param line the current activity
     */
    @Override
    public void accept(String line) {
        if (bar != null) {
            bar.step();
            bar.setExtraMessage(line);
            return;
        }
        long now = System.nanoTime();
        if (lastPlain == Long.MIN_VALUE || now - lastPlain >= PLAIN_INTERVAL_NANOS) {
            lastPlain = now;
            err.println(task + ": " + line);
            err.flush();
        }
    }

    /** Ends the bar (its last state stays on screen); plain mode has nothing to end. */
    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
