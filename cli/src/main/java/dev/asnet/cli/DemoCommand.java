package dev.asnet.cli;

import dev.asnet.bench.latency.BenchConfig;
import dev.asnet.bench.latency.BenchModel;
import dev.asnet.bench.latency.LatencyRunner;
import dev.asnet.bench.latency.Measurement;
import dev.asnet.bench.report.BenchReport;
import dev.asnet.bench.report.Comparison;
import dev.asnet.bench.suite.ZooModels;
import dev.asnet.exporter.export.AslLowering;
import dev.asnet.exporter.export.AslLowering;
import dev.asnet.models.ModelConfig;
import dev.asnet.models.ModelZoo;
import dev.asnet.runtime.AsnetModel;
import dev.asnet.runtime.ModelDescription;
import dev.asnet.runtime.OptimizationLevel;
import dev.asnet.runtime.RuntimeOptions;
import dev.asnet.runtime.dataset.FashionMnist;
import dev.asnet.runtime.dataset.LabeledImages;
import dev.asnet.runtime.vision.Evaluation;
import dev.asnet.runtime.vision.ImageClassifier;
import dev.asnet.runtime.vision.Prediction;
import dev.asnet.training.trainer.Schedule;
import dev.asnet.training.trainer.TrainConfig;
import dev.asnet.training.trainer.TrainResult;
import dev.asnet.training.trainer.Trainer;
import dev.asnet.training.trainer.TrainingListener;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code asnet demo}: the main job in one command. Classifies a few Fashion-MNIST test images
 * (written as PNG files, then read back like any user image) with the bundled pretrained
 * AS-ResNet, evaluates it on the whole test set, compares its latency with same-size baselines,
 * and writes a short Markdown report with charts.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Classifies Fashion-MNIST images with the pretrained AS-ResNet, evaluates it on the test set, "
                + "compares its latency with same-size baselines and writes a report."},
        footer = {"%nExamples:", "  asnet demo", "  asnet demo --model runs/as16x3/model.onnx --images 4 -o demo-out"})
public final class DemoCommand implements Callable<Integer> {
    @Option(names = "--model", paramLabel = "FILE",
            description = "model to demonstrate (default: the pretrained AS-ResNet in models/pretrained)")
    Path model;

    @Option(names = "--data", paramLabel = "DIR", description = "Fashion-MNIST IDX folder (default: "
            + "/usr/share/datasets/fashion-mnist)")
    Path data;

    @Option(names = "--images", paramLabel = "N", defaultValue = "8", description = "test images to classify one by one (default: ${DEFAULT-VALUE})")
    int images;

    @Option(names = "--rounds", paramLabel = "N", defaultValue = "10", description = "latency rounds (default: ${DEFAULT-VALUE})")
    int rounds;

    @Option(names = {"-o", "--out"}, paramLabel = "DIR", defaultValue = "demo-out", description = "report folder (default: ${DEFAULT-VALUE})")
    Path out;

    @Spec
    CommandSpec spec;

    /** What the demo trains when no pretrained model is there. */
    static final String QUICK_MODEL = "as-resnet20-16x1";

    /** Creates the command. */
    public DemoCommand() {}

    @Override
    public Integer call() throws Exception {
        PrintWriter w = spec.commandLine().getOut();
        Files.createDirectories(out.resolve("images"));
        LabeledImages test = data != null ? FashionMnist.load(data, FashionMnist.Split.TEST) : FashionMnist.test();
        Path modelFile = model != null ? model : Pretrained.find().orElse(null);
        if (modelFile == null) {
            modelFile = trainQuickModel(w);
        }
        StringBuilder md = new StringBuilder("# asnet demo\n\n");

        RuntimeOptions options = RuntimeOptions.builder().optIntraOpThreads(Runtime.getRuntime().availableProcessors()).build();
        String architecture;
        Evaluation eval;
        try (ImageClassifier classifier = ImageClassifier.open(modelFile, options)) {
            ModelDescription d = classifier.model().description();
            architecture = d.architecture().orElse("unknown");
            w.printf(Locale.ROOT, "model: %s (%s, ASL lowering %s)%n", modelFile, architecture,
                    d.info().aslLowering().map(AslLowering::id).orElse("-"));
            md.append("Model: `").append(modelFile).append("` (").append(architecture).append(")\n\n");

            md.append("## Single images\n\n| image | true label | predicted | probability |\n|---|---|---|---|\n");
            w.println("image                        true label    predicted     probability");
            for (int i = 0; i < Math.min(images, test.size()); i++) {
                Path png = out.resolve("images").resolve(String.format(Locale.ROOT, "test-%05d.png", i));
                writePng(test, i, png);
                Prediction p = classifier.classify(png, 1).get(0);
                String truth = test.classNames().get(test.label(i));
                w.printf(Locale.ROOT, "%-28s %-13s %-13s %.3f%s%n", out.relativize(png), truth, p.label(), p.probability(),
                        truth.equals(p.label()) ? "" : "  (wrong)");
                md.append(String.format(Locale.ROOT, "| %s | %s | %s | %.3f |%n", out.relativize(png), truth, p.label(),
                        p.probability()));
            }
            w.flush();
            eval = classifier.evaluate(test);
        }
        w.printf(Locale.ROOT, "test set: %d/%d correct, accuracy %.2f%% (%.0f images/s)%n", eval.correct(), eval.count(),
                100 * eval.accuracy(), eval.imagesPerSecond());
        md.append(String.format(Locale.ROOT, "%n## Test set%n%nAccuracy %.2f%% (%d of %d), %.0f images/s on %d threads.%n%n",
                100 * eval.accuracy(), eval.correct(), eval.count(), eval.imagesPerSecond(),
                Runtime.getRuntime().availableProcessors()));

        List<BenchModel> models = latencyModels(modelFile, architecture, test);
        w.println("latency: " + models.size() + " models, batch 1, 1 thread, ONNX Runtime ALL ...");
        w.flush();
        List<Measurement> results = LatencyRunner.builder().optRounds(rounds).optWarmupMs(200).build()
                .run(models, List.of(new BenchConfig(1, OptimizationLevel.ALL)));
        List<Comparison> ratios = new ArrayList<>();
        for (BenchModel m : models.subList(1, models.size())) {
            ratios.add(new Comparison(models.get(0).family(), m.family(), Double.NaN));
        }
        BenchReport latency = new BenchReport("latency", "Latency, batch 1", dev.asnet.bench.MachineInfo.describe(),
                results, ratios, java.util.Map.of(), List.of());
        latency.write(out);
        md.append("## Latency\n\n").append(latency.markdown().replaceFirst("(?s)^# [^\n]*\n\n", ""))
                .append("![latency vs parameters](latency-latency-vs-params.png)\n");
        for (Measurement m : results) {
            w.printf(Locale.ROOT, "  %-34s %8s ms%n", m.model().name(), m.ok() ? String.format(Locale.ROOT, "%.3f", m.medianMs())
                    : "failed: " + m.error());
        }
        Path report = out.resolve("demo.md");
        OutputFiles.write(report, md.toString().getBytes(StandardCharsets.UTF_8));
        w.println("report: " + report.toAbsolutePath());
        return ExitCodes.OK;
    }

    /**
     * Without a pretrained model, trains a small AS-ResNet for one epoch (a couple of minutes on
     * two cores) so the demo still shows the whole path.
     */
    private Path trainQuickModel(PrintWriter w) throws Exception {
        w.println("no pretrained AS-ResNet in " + Pretrained.folder() + ": training " + QUICK_MODEL
                + " for 1 epoch first (asnet train does the full recipe) ...");
        w.flush();
        TrainConfig config = new TrainConfig(QUICK_MODEL, 1, 128, 0.1f, Schedule.COSINE, 5e-4f, 0.9f,
                Runtime.getRuntime().availableProcessors(), 1, data != null ? data : FashionMnist.DEFAULT_DIR, 0, 0, 2,
                true, AslLowering.CUSTOM, 500);
        // The demo's own scratch folder: a previous demo's quick model may be replaced.
        TrainResult result = Trainer.builder(config).setOutput(out.resolve("quick-train")).optOverwrite(true)
                .optListener(TrainingListener.printing(System.out)).build().run(Long.MAX_VALUE);
        if (!result.completed() || result.model() == null) {
            throw new CliException(ExitCodes.RUNTIME_FAILURE, "the quick training run did not complete");
        }
        return result.model();
    }

    /** The demonstrated model, then the same-size zoo baselines (seeded weights; latency only). */
    private static List<BenchModel> latencyModels(Path modelFile, String architecture, LabeledImages test) throws IOException {
        byte[] bytes = Files.readAllBytes(modelFile);
        ModelConfig cfg = ModelConfig.fashionMnist();
        long[] shape = {1, 1, test.rows(), test.cols()};
        List<BenchModel> models = new ArrayList<>();
        long params = -1;
        long macs = -1;
        try (AsnetModel m = AsnetModel.open(bytes, RuntimeOptions.defaults())) {
            params = m.description().info().params().orElse(-1);
            macs = m.description().info().macs().orElse(-1);
        } catch (Exception e) {
            // sizes are informational
        }
        models.add(new BenchModel(architecture + " (demo model)", architecture, "demo model", shape, params, macs, () -> bytes));
        ZooModels zoo = new ZooModels();
        if (architecture.startsWith("as-resnet20-")) {
            String size = architecture.substring("as-resnet20-".length());
            for (String baseline : List.of("shiftresnet20-" + size, "dwresnet20-" + size)) {
                if (ModelZoo.names().contains(baseline)) {
                    models.add(zoo.model(baseline, cfg, null, 1));
                }
            }
        }
        models.add(zoo.model("mobilenetv2-cifar", cfg, null, 1));
        return models;
    }

    private static void writePng(LabeledImages data, int index, Path target) throws IOException {
        BufferedImage img = new BufferedImage(data.cols(), data.rows(), BufferedImage.TYPE_BYTE_GRAY);
        for (int r = 0; r < data.rows(); r++) {
            for (int c = 0; c < data.cols(); c++) {
                int v = data.images().pixel(index, r, c);
                img.getRaster().setSample(c, r, 0, v);
            }
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ImageIO.write(img, "png", bytes);
        OutputFiles.write(target, bytes.toByteArray());
    }
}
