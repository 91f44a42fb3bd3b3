package dev.asnet.cli;

import dev.asnet.exporter.export.AslLowering;
import dev.asnet.models.ModelZoo;
import dev.asnet.runtime.Device;
import dev.asnet.runtime.dataset.BadImages;
import dev.asnet.runtime.dataset.DatasetFolder;
import dev.asnet.runtime.dataset.FashionMnist;
import dev.asnet.training.trainer.DataOptions;
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
 * {@code asnet train MODEL}: trains a zoo model with ONNX Runtime (see {@link Trainer}) on
 * Fashion-MNIST, CIFAR-10 binary files or a folder of class folders (see {@link DatasetFolder}), with a progress bar, one line per epoch and charts of the run in {@code --out/charts}.
 * Ctrl-C stops after the current step and leaves a checkpoint that {@code --resume} continues
 * exactly.
 */
@Command(name = "train", sortOptions = false,
        description = {"Train a zoo model with ONNX Runtime (autodiff training graphs, Nesterov SGD) on Fashion-MNIST "
                + "(the default), CIFAR-10 binary files or your own images (one sub-folder per class, in train/ and val/ "
                + "or with --val-split). Writes metrics, a checkpoint per epoch, the exported model (class names from "
                + "the folder names) and charts to --out.",
            "The defaults are the recipe of the shipped pretrained model (as-resnet20-16x3, 94.16% on Fashion-MNIST): "
                + "20 epochs, batch 64, LR 0.05 with cosine decay, Nesterov 0.9, weight decay 5e-4, crop padding 2 and flips."},
        // Picocli wraps footer lines at 80 columns, mid-word: every example line stays shorter.
        footer = {"%nExamples:",
            "  asnet train as-resnet20-16x3 --out runs/as16x3",
            "  asnet train as-resnet20-16x3 --out runs/as16x3 --resume runs/as16x3",
            "  asnet train as-resnet20-16x1 --epochs 1 --limit 2000 --out quick > log",
            "  asnet train as-resnet20-16x3 --data photos --input 3x64x64 \\",
            "      --val-split 0.1 --out runs/photos"})
public final class TrainCommand implements Callable<Integer> {
    /** Folder of the charts inside {@code --out}. */
    static final String CHARTS_DIR = "charts";

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL", description = "Zoo model, e.g. as-resnet20-16x6.")
    String model;

    @Option(names = "--epochs", paramLabel = "N", defaultValue = "20", description = "Epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = {"--batch-size", "--batch"}, paramLabel = "N", defaultValue = "64",
            description = "Training batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--lr", paramLabel = "RATE", defaultValue = "0.05", description = "Base learning rate (default: ${DEFAULT-VALUE}).")
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
            description = "Dataset folder: Fashion-MNIST IDX files, CIFAR-10 binary files (data_batch_*.bin, "
                    + "test_batch.bin), or one sub-folder of PNG/JPEG/BMP images per class, in train/ and val/ or with "
                    + "--val-split (default: the dataset-fashion-mnist package's folder).")
    Path data;

    @Option(names = "--format", paramLabel = "NAME", defaultValue = "auto",
            description = "Layout of --data: auto, fashion-mnist, cifar10 or folder (default: ${DEFAULT-VALUE}, "
                    + "recognized from the files).")
    String format;

    @Option(names = "--input", paramLabel = "CxHxW", converter = InputSize.Converter.class,
            description = "Size the model is built for and folder images are scaled and center-cropped to, such as "
                    + "3x64x64 (default: the images' own size, which must then be the same for all).")
    InputSize input;

    @Option(names = "--val-split", paramLabel = "F", defaultValue = "0",
            description = "Hold out this fraction of each class for validation (an image folder without val/; "
                    + "seeded by --seed).")
    double valSplit;

    @Option(names = "--mean", paramLabel = "M[,M,M]", split = ",",
            description = "Per-channel mean of pixels in [0, 1] (default: computed from the training images; "
                    + "Fashion-MNIST's preset for its files).")
    float[] mean;

    @Option(names = "--std", paramLabel = "S[,S,S]", split = ",", description = "Per-channel std, with --mean.")
    float[] std;

    @Option(names = "--bad-images", paramLabel = "fail|skip", defaultValue = "fail",
            description = "Images that cannot be decoded: fail (default), or skip them and report how many.")
    String badImages;

    @Option(names = "--loading", paramLabel = "auto|memory|stream", defaultValue = "auto",
            description = "Hold the decoded images in memory, or stream them from disk (decoded on a background "
                    + "thread ahead of each step); the result is the same (default: ${DEFAULT-VALUE}: memory when "
                    + "they take at most a third of the Java heap).")
    String loading;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "0", description = "Use only the first N training images.")
    int limit;

    @Option(names = "--test-limit", paramLabel = "N", defaultValue = "0", description = "Use only the first N test images.")
    int testLimit;

    @Option(names = "--pad", paramLabel = "N|P%", defaultValue = "auto",
            description = "Random-crop padding in pixels, or in percent of the smaller image side (default: "
                    + "${DEFAULT-VALUE}, 1/14 of the smaller side: 2 pixels at 28x28 and 32x32).")
    String pad;

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
            float[] padding = parsePad(pad);
            DataOptions dataOptions = new DataOptions(DatasetFolder.Format.parse(format),
                    input == null ? null : input.toImageSize(), valSplit,
                    mean, std, padding[1], BadImages.parse(badImages), DataOptions.Loading.parse(loading));
            config = new TrainConfig(model, epochs, batch, lr, Schedule.parse(schedule), weightDecay, momentum, t, seed,
                    data != null ? data : FashionMnist.DEFAULT_DIR, limit, testLimit, (int) padding[0], !noFlip,
                    AslLowering.parse(lowering), evalBatch, dataOptions);
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

    /**
     * Parses {@code --pad}: pixels ({@code 4}), a percentage of the smaller side ({@code 12.5%}) or
     * {@code auto}.
     *
     * @return {pixels, fraction}; the fraction is 0 for pixels
     */
    static float[] parsePad(String text) {
        String t = text.trim();
        if (t.equalsIgnoreCase("auto")) {
            return new float[] {0, DataOptions.DEFAULT_PAD_FRACTION};
        }
        try {
            if (t.endsWith("%")) {
                float percent = Float.parseFloat(t.substring(0, t.length() - 1).trim());
                if (!(percent >= 0 && percent < 50)) {
                    throw new IllegalArgumentException("crop padding must be in [0%, 50%), got " + text);
                }
                return new float[] {0, percent / 100f};
            }
            int pixels = Integer.parseInt(t);
            if (pixels < 0) {
                throw new IllegalArgumentException("crop padding must be >= 0, got " + pixels);
            }
            return new float[] {pixels, 0};
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--pad takes pixels (4), a percentage of the smaller image side (12.5%) "
                    + "or auto, got '" + text + "'", e);
        }
    }

    private String commandLine() {
        return "asnet train " + model + " --epochs " + epochs + " --batch-size " + batch + " --lr " + lr + " --schedule "
                + schedule + " --weight-decay " + weightDecay + " --momentum " + momentum + " --seed " + seed
                + " --pad " + pad + (noFlip ? " --no-flip" : "") + (limit > 0 ? " --limit " + limit : "")
                + (testLimit > 0 ? " --test-limit " + testLimit : "")
                + (data != null ? " --data " + data : "") + (format.equals("auto") ? "" : " --format " + format)
                + (input != null ? " --input " + input : "") + (valSplit > 0 ? " --val-split " + valSplit : "")
                + (mean != null ? " --mean " + join(mean) + " --std " + join(std) : "")
                + (badImages.equals("fail") ? "" : " --bad-images " + badImages)
                + " --lowering " + lowering + " --device " + device + " --out " + out;
    }

    private static String join(float[] v) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; v != null && i < v.length; i++) {
            b.append(i == 0 ? "" : ",").append(v[i]);
        }
        return b.toString();
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
