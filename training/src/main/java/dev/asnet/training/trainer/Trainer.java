package dev.asnet.training.trainer;

import ai.onnxruntime.OrtException;
import dev.asnet.exporter.ModelMetadata;
import dev.asnet.exporter.io.AtomicFiles;
import dev.asnet.exporter.export.ExportOptions;
import dev.asnet.exporter.ir.Model;
import dev.asnet.models.ModelConfig;
import dev.asnet.models.ModelZoo;
import dev.asnet.runtime.InputMismatchException;
import dev.asnet.runtime.dataset.FashionMnist;
import dev.asnet.runtime.dataset.LabeledImages;
import dev.asnet.training.autodiff.ParameterKind;
import dev.asnet.training.autodiff.SgdOptions;
import dev.asnet.training.autodiff.TrainingGraph;
import dev.asnet.training.autodiff.TrainingGraphBuilder;
import dev.asnet.training.data.Augmentation;
import dev.asnet.training.data.BatchSource;
import dev.asnet.training.data.Seeds;
import dev.asnet.training.step.Device;
import dev.asnet.training.step.Evaluator;
import dev.asnet.training.step.StepResult;
import dev.asnet.training.step.TrainingStep;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Trains a zoo model on Fashion-MNIST: per epoch, shuffled augmented batches through a {@link
 * TrainingStep}, then the test set through an {@link Evaluator}, metrics files and a checkpoint.
 * After the last epoch the inference model ({@code model.onnx}) and charts are written. A stop
 * request ({@link #requestStop}, e.g. from Ctrl-C) ends the run after the current step with a
 * checkpoint from which {@code --resume} continues exactly.
 */
public final class Trainer {
    /** File name of the exported inference model. */
    public static final String MODEL_FILE = "model.onnx";
    /** Folder of the charts. */
    public static final String CHARTS_DIR = "charts";
    /** File recording the command line of the run (see {@link #recordCommand}). */
    public static final String COMMAND_FILE = "command.txt";

    private final TrainConfig config;
    private final Path out;
    private final Path resume;
    private final PrintStream log;
    private final boolean progressBar;
    private final Device device;
    private boolean overwrite;
    private String command;
    private volatile boolean stopRequested;

    /**
     * Creates a trainer that runs on the CPU.
     *
     * @param config the run configuration
     * @param out the output folder
     * @param resume the folder of a checkpoint to continue from, or null for a fresh run
     * @param log where per-epoch lines go
     * @param progressBar whether to draw a progress bar on the terminal
     */
    public Trainer(TrainConfig config, Path out, Path resume, PrintStream log, boolean progressBar) {
        this(config, out, resume, log, progressBar, Device.CPU);
    }

    /**
     * Creates a trainer. The device is not part of the run's definition: a run may be resumed on
     * another device (results then agree to float rounding, not bit for bit).
     *
     * @param config the run configuration
     * @param out the output folder
     * @param resume the folder of a checkpoint to continue from, or null for a fresh run
     * @param log where per-epoch lines go
     * @param progressBar whether to draw a progress bar on the terminal
     * @param device where the training and evaluation sessions run
     */
    public Trainer(TrainConfig config, Path out, Path resume, PrintStream log, boolean progressBar, Device device) {
        this.config = config;
        this.out = out;
        this.resume = resume;
        this.log = log;
        this.progressBar = progressBar;
        this.device = device;
    }

    /**
     * Allows a fresh run to replace an earlier run's results in the output folder (its checkpoint,
     * model, metrics and command file). Without it such a folder is refused with {@link
     * RunFolder.RunFolderException}, so that a finished run is never lost by accident.
     *
     * @param overwrite true to replace an earlier run's results
     * @return this trainer
     */
    public Trainer overwrite(boolean overwrite) {
        this.overwrite = overwrite;
        return this;
    }

    /**
     * Records the command line that started the run; it is written to {@value #COMMAND_FILE} once
     * the data has been checked and the output folder is held (a run refused before that leaves
     * no trace).
     *
     * @param commandLine the command line, or null for none
     * @return this trainer
     */
    public Trainer recordCommand(String commandLine) {
        this.command = commandLine;
        return this;
    }

    /** Asks the run to stop after the current step and leave a checkpoint. Thread-safe. */
    public void requestStop() {
        stopRequested = true;
    }

    /**
     * Runs (or continues) training.
     *
     * @param stepBudget stop after this many steps in this call (Long.MAX_VALUE for no limit),
     *     leaving a checkpoint as an interruption would
     * @return how the run ended
     * @throws dev.asnet.runtime.InputMismatchException if the images do not have the model's size
     * @throws InvalidRunException if a setting does not fit the data (batch larger than the data,
     *     padding larger than the images)
     * @throws RunFolder.RunFolderException if another run holds the output folder, or it holds an
     *     earlier run's results (see {@link #overwrite})
     * @throws TrainingDivergedException if the loss or a parameter stops being finite
     * @throws Exception if data, model, ONNX Runtime or files fail
     */
    public TrainResult run(long stepBudget) throws Exception {
        LabeledImages train = FashionMnist.load(config.data(), FashionMnist.Split.TRAIN);
        LabeledImages test = FashionMnist.load(config.data(), FashionMnist.Split.TEST);
        if (config.limit() > 0) {
            train = train.limit(config.limit());
        }
        if (config.testLimit() > 0) {
            test = test.limit(config.testLimit());
        }
        ModelConfig mc = ModelConfig.fashionMnist();
        for (LabeledImages split : List.of(train, test)) {
            // Images of another size would be packed at the wrong stride into the model's input.
            if (split.rows() != mc.height() || split.cols() != mc.width()) {
                throw new InputMismatchException("the images in " + config.data() + " are " + split.rows() + "x"
                        + split.cols() + " but " + config.model() + " is trained on " + mc.height() + "x" + mc.width()
                        + " Fashion-MNIST images");
            }
        }
        Model model = ModelZoo.build(config.model(), mc);
        int batches = train.size() / config.batch();
        if (batches == 0) {
            throw new InvalidRunException("batch " + config.batch() + " is larger than the " + train.size()
                    + " training images");
        }
        if (config.pad() > Math.min(mc.height(), mc.width())) {
            throw new InvalidRunException("crop padding " + config.pad() + " is larger than the " + mc.height() + "x"
                    + mc.width() + " images");
        }
        Progress progress = Progress.start();
        Map<String, float[]> resumeState = null;
        if (resume != null) {
            Checkpoint ck = Checkpoint.read(resume);
            String why = config.incompatibility(ck.config());
            if (why != null) {
                throw new CheckpointException(resume.resolve(Checkpoint.FILE_NAME), "was made by a different run: " + why);
            }
            progress = ck.progress();
            resumeState = ck.state();
        }
        // Everything above only reads; the output folder is created and held from here on.
        boolean continuing = resume != null
                && resume.toAbsolutePath().normalize().equals(out.toAbsolutePath().normalize());
        try (RunFolder folder = RunFolder.acquire(out, continuing, overwrite)) {
            Path exported = out.resolve(MODEL_FILE);
            if (resume != null && progress.epoch() >= config.epochs() && Files.isRegularFile(exported)) {
                // Nothing left to train and the result is already there: do not redo the export.
                log.printf(Locale.ROOT, "the checkpoint in %s has finished all %d epochs; %s is up to date%n", resume,
                        config.epochs(), exported);
                return new TrainResult(true, progress.history(), exported, 0);
            }
            if (command != null) {
                AtomicFiles.writeString(out.resolve(COMMAND_FILE), command + "\n");
            }
            return train(stepBudget, model, train, test, mc, batches, progress, resumeState);
        }
    }

    private TrainResult train(long stepBudget, Model model, LabeledImages train, LabeledImages test, ModelConfig mc,
            int batches, Progress progress, Map<String, float[]> resumeState) throws Exception {
        long totalSteps = (long) batches * config.epochs();
        SgdOptions sgd = new SgdOptions(config.momentum(), true, config.weightDecay(), 0.01f, true);
        TrainingGraph graph = TrainingGraphBuilder.trainingStep(model, config.batch(), sgd, device.kernels());
        BatchSource trainSource = new BatchSource(train, mc.mean()[0], mc.std()[0]);
        BatchSource testSource = new BatchSource(test, mc.mean()[0], mc.std()[0]);
        Augmentation aug = new Augmentation(config.pad(), config.flip());
        List<EpochMetrics> history = new ArrayList<>(progress.history());
        long overheadNanos = 0;
        long stepsRun = 0;
        try (TrainingStep step = new TrainingStep(graph, config.threads(), device);
                Evaluator eval = new Evaluator(model, Math.min(config.evalBatch(), test.size()), config.threads(),
                        device)) {
            if (resumeState != null) {
                step.load(resumeState);
                log.printf(Locale.ROOT, "resumed from %s at epoch %d, batch %d%n", resume, progress.epoch() + 1,
                        progress.batch());
            }
            while (progress.epoch() < config.epochs()) {
                int epoch = progress.epoch();
                int[] order = trainSource.permutation(config.seed(), epoch);
                double lossSum = progress.lossSum();
                long correct = progress.correct();
                long seen = progress.seen();
                double seconds = progress.seconds();
                long globalStep = progress.globalStep();
                float lr = 0;
                ProgressBar bar = progressBar ? bar(epoch, batches, progress.batch()) : null;
                try {
                    for (int b = progress.batch(); b < batches; b++) {
                        if (stopRequested || stepsRun >= stepBudget) {
                            Progress p = new Progress(epoch, b, globalStep, lossSum, correct, seen, seconds, history);
                            new Checkpoint(config, p, step.state()).write(out);
                            log.printf(Locale.ROOT, "stopped at epoch %d, batch %d/%d; checkpoint in %s%n", epoch + 1, b,
                                    batches, out);
                            return new TrainResult(false, history, null, overheadMicros(overheadNanos, stepsRun));
                        }
                        long t0 = System.nanoTime();
                        trainSource.fill(order, b * config.batch(), config.batch(), aug, Seeds.mix(config.seed(), epoch, b, 2),
                                step.images(), step.labels());
                        lr = config.schedule().rate(config.lr(), globalStep, totalSteps);
                        StepResult r;
                        try {
                            r = step.run(lr);
                        } catch (OrtException e) {
                            // asnet's training ops refuse NaN/infinite statistics and shifts (ORT's own
                            // kernels would pass them on): after a too-large step that is how a
                            // divergence shows.
                            if (hasNonFinite(step.state()) || mentionsNonFinite(e.getMessage())) {
                                throw diverged(epoch, b, globalStep, lr, "values in the network are no longer "
                                        + "finite (" + e.getMessage().replaceAll("\\s+", " ") + ")", e);
                            }
                            throw e;
                        }
                        overheadNanos += r.totalNanos() - r.runNanos();
                        seconds += (System.nanoTime() - t0) / 1e9;
                        lossSum += r.loss();
                        correct += r.correct();
                        seen += config.batch();
                        globalStep++;
                        stepsRun++;
                        if (!Double.isFinite(r.loss())) {
                            throw diverged(epoch, b, globalStep - 1, lr, "the loss became " + r.loss(), null);
                        }
                        if (bar != null) {
                            bar.stepBy(config.batch());
                            bar.setExtraMessage(String.format(Locale.ROOT, "loss %.4f acc %.2f%% lr %.4f",
                                    lossSum / (b + 1), 100.0 * correct / seen, lr));
                        }
                    }
                } finally {
                    if (bar != null) {
                        bar.close();
                    }
                }
                double[] testResult = evaluate(eval, step, testSource);
                EpochMetrics m = new EpochMetrics(epoch + 1, lossSum / batches, (double) correct / seen, testResult[0],
                        testResult[1], lr, seconds, seen / seconds);
                history.add(m);
                log.printf(Locale.ROOT, "epoch %d/%d: train loss %.4f acc %.2f%% | test loss %.4f acc %.2f%% | lr %.5f"
                        + " | %.0f s, %.1f img/s%n", m.epoch(), config.epochs(), m.trainLoss(), 100 * m.trainAccuracy(),
                        m.testLoss(), 100 * m.testAccuracy(), m.lr(), m.seconds(), m.imagesPerSecond());
                progress = new Progress(epoch + 1, 0, globalStep, 0, 0, 0, 0, List.copyOf(history));
                new Checkpoint(config, progress, step.state()).write(out);
                MetricsFiles.write(out, history);
            }
            Map<String, float[]> state = step.state();
            Path file = finish(model, graph, state, history);
            return new TrainResult(true, history, file, overheadMicros(overheadNanos, stepsRun));
        }
    }

    private TrainingDivergedException diverged(int epoch, int batch, long step, float lr, String what, Throwable cause) {
        return new TrainingDivergedException(String.format(Locale.ROOT, "training diverged at epoch %d, batch %d "
                + "(step %d): %s; learning rate %s (at this step %s) is probably too high, try a lower --lr. %s",
                epoch + 1, batch, step + 1, what, config.lr(), lr, epoch == 0 ? "No epoch had finished, so there is "
                        + "no checkpoint" : "The checkpoint of epoch " + epoch + " in " + out + " is unchanged"), cause);
    }

    private static boolean mentionsNonFinite(String message) {
        String m = message == null ? "" : message.toLowerCase(Locale.ROOT);
        return m.contains("not finite") || m.contains("finite number") || m.contains(" nan") || m.contains("-nan")
                || m.contains(" inf");
    }

    private static boolean hasNonFinite(Map<String, float[]> state) {
        for (float[] values : state.values()) {
            for (float v : values) {
                if (!Float.isFinite(v)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static double overheadMicros(long nanos, long steps) {
        return steps == 0 ? 0 : nanos / 1e3 / steps;
    }

    private ProgressBar bar(int epoch, int batches, int startBatch) {
        ProgressBar bar = new ProgressBarBuilder().setTaskName(String.format(Locale.ROOT, "epoch %d/%d", epoch + 1,
                config.epochs())).setInitialMax((long) batches * config.batch()).setUnit(" img", 1).showSpeed()
                .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(500).build();
        bar.stepTo((long) startBatch * config.batch());
        return bar;
    }

    /**
     * Runs the test set through the evaluator; the last partial batch is padded and its padding
     * ignored.
     *
     * @return {mean loss, accuracy}
     */
    static double[] evaluate(Evaluator eval, TrainingStep step, BatchSource test) throws Exception {
        int n = test.size();
        int b = eval.batch();
        int k = eval.classes();
        int[] order = new int[((n + b - 1) / b) * b];
        for (int i = 0; i < order.length; i++) {
            order[i] = i < n ? i : 0;
        }
        double loss = 0;
        long correct = 0;
        for (int from = 0; from < n; from += b) {
            test.fill(order, from, b, Augmentation.none(), 0, eval.images(), null);
            FloatBuffer logits = eval.run(step);
            for (int i = 0; i < b && from + i < n; i++) {
                int label = test.label(from + i);
                double max = Double.NEGATIVE_INFINITY;
                int arg = 0;
                for (int c = 0; c < k; c++) {
                    double v = logits.get(i * k + c);
                    if (v > max) {
                        max = v;
                        arg = c;
                    }
                }
                double sum = 0;
                for (int c = 0; c < k; c++) {
                    sum += Math.exp(logits.get(i * k + c) - max);
                }
                loss += Math.log(sum) + max - logits.get(i * k + label);
                if (arg == label) {
                    correct++;
                }
            }
        }
        return new double[] {loss / n, (double) correct / n};
    }

    private Path finish(Model model, TrainingGraph graph, Map<String, float[]> state, List<EpochMetrics> history)
            throws IOException {
        Model trained = TrainedModel.withState(model, state);
        EpochMetrics last = history.get(history.size() - 1);
        trained.putMetadata("asnet.trained.dataset", "fashion-mnist");
        trained.putMetadata("asnet.trained.epochs", Integer.toString(history.size()));
        trained.putMetadata("asnet.trained.test_accuracy", String.format(Locale.ROOT, "%.4f", last.testAccuracy()));
        Path file = out.resolve(MODEL_FILE);
        TrainedModel.export(trained, ExportOptions.builder().setLowering(config.lowering()).build(), file);
        Path charts = out.resolve(CHARTS_DIR);
        Charts.curves(charts, history);
        Map<String, float[]> shifts = new LinkedHashMap<>();
        graph.parameterKinds().forEach((name, kind) -> {
            if (kind == ParameterKind.SHIFT) {
                shifts.put(name, state.get(name));
            }
        });
        Charts.shifts(charts, shifts);
        log.printf(Locale.ROOT, "exported %s (%s lowering, BN folded; %s %s)%n", file, config.lowering().id(),
                ModelMetadata.ARCHITECTURE, model.metadata().get(ModelMetadata.ARCHITECTURE));
        return file;
    }
}
