package dev.asnet.training.trainer;

import ai.onnxruntime.OrtException;
import dev.asnet.exporter.ModelInfo;
import dev.asnet.exporter.TrainingInfo;
import dev.asnet.exporter.io.AtomicFiles;
import dev.asnet.exporter.export.ExportOptions;
import dev.asnet.exporter.ir.Model;
import dev.asnet.models.ModelConfig;
import dev.asnet.models.ModelZoo;
import dev.asnet.runtime.Device;
import dev.asnet.runtime.RuntimeOptions;
import dev.asnet.training.autodiff.ParameterKind;
import dev.asnet.training.autodiff.SgdOptions;
import dev.asnet.training.autodiff.TrainingGraph;
import dev.asnet.training.autodiff.TrainingGraphBuilder;
import dev.asnet.training.autodiff.TrainingKernels;
import dev.asnet.training.data.Augmentation;
import dev.asnet.training.data.BatchSource;
import dev.asnet.training.data.Prefetcher;
import dev.asnet.training.data.Seeds;
import dev.asnet.training.step.Evaluator;
import dev.asnet.training.step.StepResult;
import dev.asnet.training.step.TrainingStep;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Trains a zoo model on a dataset folder (Fashion-MNIST IDX files, CIFAR-10 binary files or one
 * folder of images per class, see {@link dev.asnet.runtime.dataset.DatasetFolder}; held in memory
 * or streamed from disk by a {@link Prefetcher}): per epoch, shuffled augmented batches through a {@link
 * TrainingStep}, then the test set through an {@link Evaluator}, metrics files and a checkpoint.
 * After the last epoch the inference model ({@code model.onnx}) is written. A stop
 * request ({@link #requestStop}, e.g. from Ctrl-C) ends the run after the current step with a
 * checkpoint from which {@code --resume} continues exactly.
 */
public final class Trainer {
    /** File name of the exported inference model. */
    public static final String MODEL_FILE = "model.onnx";
    /** File recording the command line of the run (see {@link Builder#optCommand}). */
    public static final String COMMAND_FILE = "command.txt";

    /** Batches read ahead when the images are streamed from disk. */
    static final int PREFETCH_DEPTH = 3;

    private final TrainConfig config;
    private final Path out;
    private final Path resume;
    private final TrainingListener listener;
    private final Device device;
    private final boolean overwrite;
    private final String command;
    private volatile boolean stopRequested;

    private Trainer(Builder b) {
        this.config = b.config;
        this.out = b.out;
        this.resume = b.resume;
        this.listener = b.listener;
        this.device = b.device;
        this.overwrite = b.overwrite;
        this.command = b.command;
    }

    /**
     * Starts describing a run.
     *
     * <pre>{@code
     * TrainResult r = Trainer.builder(config).setOutput(Path.of("runs/as16x3"))
     *         .optListener(TrainingListener.printing(System.out)).build().run(Long.MAX_VALUE);
     * }</pre>
     *
     * @param config what to train and how
     * @return a builder
     */
    public static Builder builder(TrainConfig config) {
        return new Builder(config);
    }

    /** Builds a {@link Trainer}; the output folder is required, the rest optional. */
    public static final class Builder {
        /** Batches read ahead when the images are streamed from disk. */
    static final int PREFETCH_DEPTH = 3;

    private final TrainConfig config;
        private Path out;
        private Path resume;
        private TrainingListener listener = TrainingListener.NONE;
        private Device device = Device.CPU;
        private boolean overwrite;
        private String command;

        private Builder(TrainConfig config) {
            this.config = config;
        }

        /**
         * Sets the output folder (checkpoint, metrics, exported model).
         *
         * @param out the folder
         * @return this builder
         */
        public Builder setOutput(Path out) {
            this.out = out;
            return this;
        }

        /**
         * Continues the run whose checkpoint is in a folder (usually the output folder itself).
         *
         * @param folder the checkpoint's folder, or null for a fresh run (the default)
         * @return this builder
         */
        public Builder optResume(Path folder) {
            this.resume = folder;
            return this;
        }

        /**
         * Sets who hears about progress (default: nobody).
         *
         * @param listener the listener
         * @return this builder
         */
        public Builder optListener(TrainingListener listener) {
            this.listener = listener;
            return this;
        }

        /**
         * Sets where the training and evaluation sessions run (default: the CPU). The device is
         * not part of the run's definition: a run may be resumed on another device (results then
         * agree to float rounding, not bit for bit).
         *
         * @param device the device
         * @return this builder
         */
        public Builder optDevice(Device device) {
            this.device = device;
            return this;
        }

        /**
         * Allows a fresh run to replace an earlier run's results in the output folder (its
         * checkpoint, model, metrics and command file). Without it such a folder is refused with
         * {@link RunFolder.RunFolderException}, so that a finished run is never lost by accident.
         *
         * @param overwrite true to replace an earlier run's results
         * @return this builder
         */
        public Builder optOverwrite(boolean overwrite) {
            this.overwrite = overwrite;
            return this;
        }

        /**
         * Records the command line that started the run; it is written to {@value Trainer#COMMAND_FILE}
         * once the data has been checked and the output folder is held (a run refused before
         * that leaves no trace).
         *
         * @param commandLine the command line, or null for none
         * @return this builder
         */
        public Builder optCommand(String commandLine) {
            this.command = commandLine;
            return this;
        }

        /**
         * Checks the settings and builds the trainer.
         *
         * @return the trainer
         * @throws NullPointerException if the configuration, output folder, listener or device is missing
         */
        public Trainer build() {
            java.util.Objects.requireNonNull(config, "config");
            java.util.Objects.requireNonNull(out, "output folder (setOutput)");
            java.util.Objects.requireNonNull(listener, "listener");
            java.util.Objects.requireNonNull(device, "device");
            return new Trainer(this);
        }
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
     * @throws dev.asnet.runtime.InputMismatchException if IDX or CIFAR-10 images do not have the
     *     height and width of {@link DataOptions#input()}
     * @throws dev.asnet.runtime.dataset.DatasetException if the data folder holds no layout asnet
     *     reads, or a broken one (empty class folder, mixed image sizes, unreadable images, a class
     *     without validation images)
     * @throws InvalidRunException if a setting does not fit the data (batch larger than the data,
     *     padding larger than the images)
     * @throws RunFolder.RunFolderException if another run holds the output folder, or it holds an
     *     earlier run's results (see {@link Builder#optOverwrite})
     * @throws TrainingDivergedException if the loss or a parameter stops being finite
     * @throws Exception if data, model, ONNX Runtime or files fail
     */
    public TrainResult run(long stepBudget) throws Exception {
        TrainingData data = TrainingData.open(config);
        TrainConfig run = data.config;
        ModelConfig mc = data.modelConfig;
        Model model = ModelZoo.build(config.model(), mc);
        int batches = data.train.size() / config.batch();
        if (batches == 0) {
            throw new InvalidRunException("batch " + config.batch() + " is larger than the " + data.train.size()
                    + " training images");
        }
        if (data.test.size() == 0) {
            throw new InvalidRunException("the test set is empty");
        }
        if (run.pad() > Math.min(mc.height(), mc.width())) {
            throw new InvalidRunException("crop padding " + run.pad() + " is larger than the " + mc.height() + "x"
                    + mc.width() + " images");
        }
        Progress progress = Progress.start();
        Map<String, float[]> resumeState = null;
        if (resume != null) {
            Checkpoint ck = Checkpoint.read(resume);
            String why = run.incompatibility(ck.config());
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
                listener.note(String.format(Locale.ROOT, "the checkpoint in %s has finished all %d epochs; %s is up "
                        + "to date", resume, config.epochs(), exported));
                return new TrainResult(true, progress.history(), exported, 0);
            }
            if (command != null) {
                AtomicFiles.writeString(out.resolve(COMMAND_FILE), command + "\n");
            }
            data.notes.forEach(listener::note);
            return train(stepBudget, model, data, batches, progress, resumeState);
        }
    }

    private TrainResult train(long stepBudget, Model model, TrainingData data, int batches, Progress progress,
            Map<String, float[]> resumeState) throws Exception {
        TrainConfig run = data.config;
        long totalSteps = (long) batches * config.epochs();
        SgdOptions sgd = SgdOptions.builder().optMomentum(config.momentum()).optWeightDecay(config.weightDecay()).build();
        TrainingGraph graph = TrainingGraphBuilder.trainingStep(model, config.batch(), sgd, TrainingKernels.forDevice(device));
        BatchSource trainSource = data.train;
        BatchSource testSource = data.test;
        Augmentation aug = new Augmentation(run.pad(), config.flip());
        List<EpochMetrics> history = new ArrayList<>(progress.history());
        long overheadNanos = 0;
        long stepsRun = 0;
        RuntimeOptions sessions = RuntimeOptions.builder().optIntraOpThreads(config.threads()).optDevice(device).build();
        byte[] raw = new byte[config.batch() * trainSource.imageBytes()];
        try (TrainingStep step = new TrainingStep(graph, sessions);
                Evaluator eval = new Evaluator(model, Math.min(config.evalBatch(), testSource.size()), sessions);
                Prefetcher prefetch = trainSource.data().inMemory() ? null
                        : new Prefetcher(trainSource, config.batch(), PREFETCH_DEPTH)) {
            if (resumeState != null) {
                step.load(resumeState);
                listener.note(String.format(Locale.ROOT, "resumed from %s at epoch %d, batch %d", resume,
                        progress.epoch() + 1, progress.batch()));
            }
            while (progress.epoch() < config.epochs()) {
                int epoch = progress.epoch();
                int[] order = trainSource.permutation(config.seed(), epoch);
                if (prefetch != null) {
                    prefetch.start(order, progress.batch(), batches);
                }
                double lossSum = progress.lossSum();
                long correct = progress.correct();
                long seen = progress.seen();
                double seconds = progress.seconds();
                long globalStep = progress.globalStep();
                float lr = 0;
                listener.epochStarted(epoch + 1, config.epochs(), (long) batches * config.batch(),
                        (long) progress.batch() * config.batch());
                try {
                    for (int b = progress.batch(); b < batches; b++) {
                        if (stopRequested || stepsRun >= stepBudget) {
                            Progress p = new Progress(epoch, b, globalStep, lossSum, correct, seen, seconds, history);
                            new Checkpoint(run, p, step.state()).write(out);
                            listener.epochStepsEnded(epoch + 1);
                            listener.note(String.format(Locale.ROOT, "stopped at epoch %d, batch %d/%d; checkpoint in %s",
                                    epoch + 1, b, batches, out));
                            return new TrainResult(false, history, null, overheadMicros(overheadNanos, stepsRun));
                        }
                        long t0 = System.nanoTime();
                        int from = b * config.batch();
                        byte[] pixels = raw;
                        if (prefetch != null) {
                            pixels = prefetch.next();
                        } else {
                            trainSource.read(order, from, config.batch(), raw);
                        }
                        trainSource.fill(order, from, config.batch(), pixels, aug, Seeds.mix(config.seed(), epoch, b, 2),
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
                        listener.stepFinished((long) (b + 1) * config.batch(), lossSum / (b + 1), (double) correct / seen,
                                lr);
                    }
                } finally {
                    listener.epochStepsEnded(epoch + 1);
                }
                double[] testResult = evaluate(eval, step, testSource);
                EpochMetrics m = new EpochMetrics(epoch + 1, lossSum / batches, (double) correct / seen, testResult[0],
                        testResult[1], lr, seconds, seen / seconds);
                history.add(m);
                progress = new Progress(epoch + 1, 0, globalStep, 0, 0, 0, 0, List.copyOf(history));
                new Checkpoint(run, progress, step.state()).write(out);
                MetricsFiles.write(out, history);
                listener.epochFinished(m, config.epochs());
            }
            Map<String, float[]> state = step.state();
            Path file = finish(model, graph, state, history, data.datasetName);
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

    /**
     * Runs the test set through the evaluator; the last partial batch is padded and its padding
     * ignored.
     *
     * @return {mean loss, accuracy}
     */
    static double[] evaluate(Evaluator eval, TrainingStep step, BatchSource test) throws Exception {
        int n = test.size();
        int b = eval.batch();
        int[] order = new int[((n + b - 1) / b) * b];
        for (int i = 0; i < order.length; i++) {
            order[i] = i < n ? i : 0;
        }
        byte[] raw = new byte[b * test.imageBytes()];
        try (Prefetcher prefetch = test.data().inMemory() ? null : new Prefetcher(test, b, PREFETCH_DEPTH)) {
            if (prefetch != null) {
                prefetch.start(order, 0, order.length / b);
            }
            return evaluate(eval, step, test, order, prefetch, raw);
        }
    }

    private static double[] evaluate(Evaluator eval, TrainingStep step, BatchSource test, int[] order,
            Prefetcher prefetch, byte[] raw) throws Exception {
        int n = test.size();
        int b = eval.batch();
        int k = eval.classes();
        double loss = 0;
        long correct = 0;
        for (int from = 0; from < n; from += b) {
            byte[] pixels = raw;
            if (prefetch != null) {
                pixels = prefetch.next();
            } else {
                test.read(order, from, b, raw);
            }
            test.fill(order, from, b, pixels, Augmentation.none(), 0, eval.images(), null);
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

    private Path finish(Model model, TrainingGraph graph, Map<String, float[]> state, List<EpochMetrics> history,
            String dataset) throws IOException {
        Model trained = TrainedModel.withState(model, state);
        EpochMetrics last = history.get(history.size() - 1);
        TrainingInfo training = new TrainingInfo(dataset, history.size(), last.testAccuracy());
        trained.setMetadata(ModelInfo.of(trained).toBuilder().trained(training).build().toMetadata());
        Path file = out.resolve(MODEL_FILE);
        TrainedModel.export(trained, ExportOptions.builder().setLowering(config.lowering()).build(), file);
        Map<String, float[]> shifts = new LinkedHashMap<>();
        graph.parameterKinds().forEach((name, kind) -> {
            if (kind == ParameterKind.SHIFT) {
                shifts.put(name, state.get(name));
            }
        });
        listener.note(String.format(Locale.ROOT, "exported %s (%s lowering, BN folded; %s %s)", file,
                config.lowering().id(), ModelInfo.ARCHITECTURE, ModelInfo.of(model).architecture().orElse("unknown")));
        listener.trainingFinished(file, List.copyOf(history), shifts);
        return file;
    }
}
