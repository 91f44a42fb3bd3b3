package dev.asnet.training.cli;

import dev.asnet.exporter.export.AslLowering;
import dev.asnet.models.ModelZoo;
import dev.asnet.runtime.dataset.FashionMnist;
import dev.asnet.training.step.Device;
import dev.asnet.training.trainer.EpochMetrics;
import dev.asnet.training.trainer.InvalidRunException;
import dev.asnet.training.trainer.RunFolder.RunFolderException;
import dev.asnet.training.trainer.Schedule;
import dev.asnet.training.trainer.TrainConfig;
import dev.asnet.training.trainer.TrainResult;
import dev.asnet.training.trainer.Trainer;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code asnet train MODEL}: trains a zoo model on Fashion-MNIST with ONNX Runtime (see {@link
 * Trainer}). Ctrl-C stops after the current step and leaves a checkpoint that {@code --resume}
 * continues exactly.
 */
@Command(name = "train", description = {"Train a zoo model on Fashion-MNIST with ONNX Runtime (autodiff training "
        + "graphs, Nesterov SGD). Writes metrics, a checkpoint per epoch, the exported model and charts to --out."},
        footer = {"%nExample:", "  asnet train as-resnet20-16x3 --epochs 15 --batch 64 --lr 0.05 --out runs/as16x3",
            "  asnet train as-resnet20-16x3 --epochs 15 --batch 64 --lr 0.05 --out runs/as16x3 --resume runs/as16x3"})
public final class TrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL", description = "Zoo model, e.g. as-resnet20-16x6.")
    String model;

    @Option(names = "--epochs", defaultValue = "30", description = "Epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--batch", defaultValue = "128", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--lr", defaultValue = "0.1", description = "Base learning rate (default: ${DEFAULT-VALUE}).")
    float lr;

    @Option(names = "--schedule", defaultValue = "cosine", description = "cosine or step (default: ${DEFAULT-VALUE}).")
    String schedule;

    @Option(names = "--weight-decay", defaultValue = "5e-4", description = "Weight decay (default: ${DEFAULT-VALUE}).")
    float weightDecay;

    @Option(names = "--momentum", defaultValue = "0.9", description = "Nesterov momentum (default: ${DEFAULT-VALUE}).")
    float momentum;

    @Option(names = "--threads", defaultValue = "0", description = "ONNX Runtime threads (default: all cores).")
    int threads;

    @Option(names = "--seed", defaultValue = "1", description = "Shuffling/augmentation seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", required = true, description = "Output folder.")
    Path out;

    @Option(names = "--resume", description = "Continue from the checkpoint in this folder.")
    Path resume;

    @Option(names = "--data", description = "Fashion-MNIST folder (default: the dataset-fashion-mnist package's).")
    Path data;

    @Option(names = "--limit", defaultValue = "0", description = "Use only the first N training images.")
    int limit;

    @Option(names = "--test-limit", defaultValue = "0", description = "Use only the first N test images.")
    int testLimit;

    @Option(names = "--pad", defaultValue = "2", description = "Random-crop padding in pixels (default: ${DEFAULT-VALUE}).")
    int pad;

    @Option(names = "--no-flip", description = "No random horizontal flips.")
    boolean noFlip;

    @Option(names = "--lowering", defaultValue = "custom",
            description = "ASL lowering of the exported model: custom, portable or depthwise (default: ${DEFAULT-VALUE}).")
    String lowering;

    @Option(names = "--eval-batch", defaultValue = "500", description = "Evaluation batch (default: ${DEFAULT-VALUE}).")
    int evalBatch;

    @Option(names = "--device", defaultValue = "cpu", description = "cpu, cuda or cuda:N (CUDA needs the GPU build, "
            + "mvn -Pgpu; default: ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--no-progress", description = "No progress bar (per-epoch lines only), e.g. for log files.")
    boolean noProgress;

    @Option(names = "--overwrite", description = "Replace an earlier run's checkpoint, model and metrics in --out "
            + "(without it such a folder is refused; use --resume to continue a run).")
    boolean overwrite;

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
        Trainer trainer = new Trainer(config, out, resume, System.out, !noProgress, where).overwrite(overwrite)
                .recordCommand(commandLine());
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
            System.out.printf(Locale.ROOT, "done: test accuracy %.2f%% after %d epochs; model %s; mean step overhead "
                    + "outside ONNX Runtime %.1f us%n", 100 * last.testAccuracy(), last.epoch(), result.model(),
                    result.stepOverheadMicros());
        }
        return 0;
    }

    private String commandLine() {
        return "asnet train " + model + " --epochs " + epochs + " --batch " + batch + " --lr " + lr + " --schedule "
                + schedule + " --weight-decay " + weightDecay + " --momentum " + momentum + " --seed " + seed
                + " --pad " + pad + (noFlip ? " --no-flip" : "") + (limit > 0 ? " --limit " + limit : "")
                + " --lowering " + lowering + " --device " + device + " --out " + out;
    }

    /**
     * Runs the command on its own (without the {@code asnet} launcher).
     *
     * @param args the command line after {@code train}
     */
    public static void main(String[] args) {
        System.exit(new CommandLine(new TrainCommand()).execute(args));
    }
}
