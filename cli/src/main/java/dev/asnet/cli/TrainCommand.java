package dev.asnet.cli;

import dev.asnet.exporter.export.AslLowering;
import dev.asnet.models.ModelZoo;
import dev.asnet.runtime.Device;
import dev.asnet.runtime.dataset.FashionMnist;
import dev.asnet.training.trainer.EpochMetrics;
import dev.asnet.training.trainer.InvalidRunException;
import dev.asnet.training.trainer.RunFolder.RunFolderException;
import dev.asnet.training.trainer.Schedule;
import dev.asnet.training.trainer.TrainConfig;
import dev.asnet.training.trainer.TrainResult;
import dev.asnet.training.trainer.Trainer;
import dev.asnet.training.trainer.TrainingListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code asnet train MODEL}: trains a zoo model on Fashion-MNIST with ONNX Runtime (see {@link
 * Trainer}), with a progress bar, one line per epoch and charts of the run in {@code --out/charts}.
 * Ctrl-C stops after the current step and leaves a checkpoint that {@code --resume} continues
 * exactly.
 */
@Command(name = "train", sortOptions = false,
        description = {"Train a zoo model on Fashion-MNIST with ONNX Runtime (autodiff training graphs, Nesterov SGD). "
                + "Writes metrics, a checkpoint per epoch, the exported model and charts to --out."},
        // Picocli wraps footer lines at 80 columns, mid-word: every example line stays shorter.
        footer = {"%nExamples:",
            "  asnet train as-resnet20-16x3 --epochs 15 --lr 0.05 --out runs/as16x3",
            "  asnet train as-resnet20-16x3 --epochs 15 --lr 0.05 --out runs/as16x3 \\",
            "      --resume runs/as16x3",
            "  asnet train as-resnet20-16x1 --epochs 1 --limit 2000 --out quick > log"})
public final class TrainCommand implements Callable<Integer> {
    /** Folder of the charts inside {@code --out}. */
    static final String CHARTS_DIR = "charts";

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL", description = "Zoo model, e.g. as-resnet20-16x6.")
    String model;

    @Option(names = "--epochs", paramLabel = "N", defaultValue = "30", description = "Epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = {"--batch-size", "--batch"}, paramLabel = "N", defaultValue = "128",
            description = "Training batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--lr", paramLabel = "RATE", defaultValue = "0.1", description = "Base learning rate (default: ${DEFAULT-VALUE}).")
    float lr;

    @Option(names = "--schedule", paramLabel = "NAME", defaultValue = "cosine",
            description = "cosine or step (default: ${DEFAULT-VALUE}).")
    String schedule;

    @Option(names = "--weight-decay", paramLabel = "W", defaultValue = "5e-4",
            description = "Weight decay (default: ${DEFAULT-VALUE}).")
    float weightDecay;

    @Option(names = "--momentum", paramLabel = "M", defaultValue = "0.9",
            description = "Nesterov momentum (default: ${DEFAULT-VALUE}).")
    float momentum;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "0",
            description = "ONNX Runtime intra-op threads; 0 = one per core (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1",
            description = "Shuffling/augmentation seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", paramLabel = "DIR", required = true, description = "Output folder.")
    Path out;

    @Option(names = "--resume", paramLabel = "DIR", description = "Continue from the checkpoint in this folder.")
    Path resume;

    @Option(names = "--overwrite", description = "Replace an earlier run's checkpoint, model and metrics in --out "
            + "(without it such a folder is refused; use --resume to continue a run).")
    boolean overwrite;

    @Option(names = "--data", paramLabel = "DIR",
            description = "Fashion-MNIST folder (default: the dataset-fashion-mnist package's).")
    Path data;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "0", description = "Use only the first N training images.")
    int limit;

    @Option(names = "--test-limit", paramLabel = "N", defaultValue = "0", description = "Use only the first N test images.")
    int testLimit;

    @Option(names = "--pad", paramLabel = "N", defaultValue = "2",
            description = "Random-crop padding in pixels (default: ${DEFAULT-VALUE}).")
    int pad;

    @Option(names = "--no-flip", description = "No random horizontal flips.")
    boolean noFlip;

    @Option(names = "--lowering", paramLabel = "NAME", defaultValue = "custom",
            description = "ASL lowering of the exported model: custom, portable or depthwise (default: ${DEFAULT-VALUE}).")
    String lowering;

    @Option(names = {"--eval-batch-size", "--eval-batch"}, paramLabel = "N", defaultValue = "500",
            description = "Evaluation batch size (default: ${DEFAULT-VALUE}).")
    int evalBatch;

    @Option(names = "--device", paramLabel = "DEVICE", defaultValue = "cpu", description = "cpu, cuda or cuda:N (CUDA "
            + "needs the GPU build, mvn -Pgpu; default: ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--no-progress", description = "No progress display, per-epoch lines only. Without a terminal "
            + "(a log file, a pipe) the bar is replaced by a plain line every few seconds anyway.")
    boolean noProgress;

    /** Creates the command. */
    public TrainCommand() {}

    @Override
    public Integer call() throws Exception {
        int t = threads == 0 ? Runtime.getRuntime().availableProcessors() : threads;
        TrainConfig config;
        Device where;
        try {
            where = Device.parse(device);
            ModelZoo.get(model);
            config = new TrainConfig(model, epochs, batch, lr, Schedule.parse(schedule), weightDecay, momentum, t, seed,
                    data != null ? data : FashionMnist.DEFAULT_DIR, limit, testLimit, pad, !noFlip,
                    AslLowering.parse(lowering), evalBatch);
        } catch (IllegalArgumentException e) {
            // Bad option values are usage errors, reported as such rather than as failures.
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        // A bar only on a terminal: redirected, its carriage returns and escape codes would fill the log.
        TrainingListener progress = noProgress ? TrainingListener.NONE
                : Progress.terminal() ? new TrainingProgress()
                : TrainingProgress.plain(spec.commandLine().getErr());
        TrainingListener listener = TrainingListener.all(progress, TrainingListener.printing(System.out),
                new ChartsOnFinish(out));
        Trainer trainer = Trainer.builder(config).setOutput(out).optResume(resume).optDevice(where)
                .optOverwrite(overwrite).optCommand(commandLine()).optListener(listener).build();
        CountDownLatch done = new CountDownLatch(1);
        // Ctrl-C: ask the loop to stop after the current step and wait until its checkpoint is written.
        Thread hook = new Thread(() -> {
            trainer.requestStop();
            try {
                done.await(5, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "asnet-train-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        TrainResult result;
        try {
            result = trainer.run(Long.MAX_VALUE);
        } catch (InvalidRunException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        } catch (RunFolderException e) {
            if (e.reason() == RunFolderException.Reason.HOLDS_RESULTS) {
                throw new ParameterException(spec.commandLine(), e.getMessage(), e);
            }
            throw e;
        } catch (UncheckedIOException e) {
            throw e.getCause();
        } finally {
            done.countDown();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // Already exiting because of Ctrl-C: the hook is running and sees the latch released.
        }
        if (result.completed() && !result.history().isEmpty()) {
            EpochMetrics last = result.history().get(result.history().size() - 1);
            System.out.printf(Locale.ROOT, "done: test accuracy %.2f%% after %d epoch%s; model %s; mean step overhead "
                    + "outside ONNX Runtime %.1f us%n", 100 * last.testAccuracy(), last.epoch(),
                    last.epoch() == 1 ? "" : "s", result.model(), result.stepOverheadMicros());
        }
        return ExitCodes.OK;
    }

    private String commandLine() {
        return "asnet train " + model + " --epochs " + epochs + " --batch-size " + batch + " --lr " + lr + " --schedule "
                + schedule + " --weight-decay " + weightDecay + " --momentum " + momentum + " --seed " + seed
                + " --pad " + pad + (noFlip ? " --no-flip" : "") + (limit > 0 ? " --limit " + limit : "")
                + " --lowering " + lowering + " --device " + device + " --out " + out;
    }

    /** Draws the run's charts into {@code --out/charts} when it finishes. */
    private record ChartsOnFinish(Path out) implements TrainingListener {
        @Override
        public void trainingFinished(Path model, List<EpochMetrics> history, Map<String, float[]> shifts) {
            Path charts = out.resolve(CHARTS_DIR);
            try {
                TrainingCharts.curves(charts, history);
                TrainingCharts.shifts(charts, shifts);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
