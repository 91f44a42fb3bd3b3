package dev.asnet.cli;

import dev.asnet.exporter.InputSpec;
import dev.asnet.runtime.dataset.BadImages;
import dev.asnet.runtime.dataset.DatasetFolder;
import dev.asnet.runtime.dataset.ImageDataset;
import dev.asnet.runtime.dataset.ImageSize;
import dev.asnet.runtime.vision.Evaluation;
import dev.asnet.runtime.vision.ImageClassifier;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code asnet eval}: accuracy of a model on a dataset folder in any layout {@link DatasetFolder}
 * reads (Fashion-MNIST IDX files, CIFAR-10 binary files, class folders).
 */
@Command(name = "eval", sortOptions = false,
        description = {"Classify every image of a dataset and report top-1 accuracy, per-class accuracy and throughput. "
                + "Layouts: Fashion-MNIST IDX files (<split>-images-idx3-ubyte[.gz], <split>-labels-idx1-ubyte[.gz]; "
                + "the images must have the model's height and width), CIFAR-10 binary files (data_batch_*.bin, "
                + "test_batch.bin; 32x32), or one sub-folder of PNG/JPEG/BMP images per class (in train/ and val/, or "
                + "directly; scaled and center-cropped to the model's input). Folder classes are matched to the "
                + "model's class names."},
        footer = {"%nExamples:%n  asnet eval as-resnet20.onnx --limit 1000%n  asnet eval as-resnet20.onnx --json > eval.json",
            "  asnet eval runs/photos/model.onnx --data photos --split val",
            "%nThe default dataset folder is filled by 'apt-get install dataset-fashion-mnist'."})
public final class EvalCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL", description = "The .onnx file.")
    Path model;

    @Option(names = "--data", paramLabel = "DIR", defaultValue = "/usr/share/datasets/fashion-mnist",
            description = "Dataset folder (default: ${DEFAULT-VALUE}).")
    Path data;

    @Option(names = "--format", paramLabel = "NAME", defaultValue = "auto",
            description = "Layout of --data: auto, fashion-mnist, cifar10 or folder (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--split", paramLabel = "SPLIT", defaultValue = "test",
            description = "test (t10k-* files, test_batch.bin, val/; also: val) or train (default: ${DEFAULT-VALUE}). "
                    + "A folder of class folders without val/ and --val-split is evaluated whole.")
    String split;

    @Option(names = "--val-split", paramLabel = "F", defaultValue = "0",
            description = "For a folder of class folders without val/: the fraction held out for validation, as "
                    + "'asnet train --val-split F --seed N' held it out.")
    double valSplit;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1",
            description = "Seed of --val-split (the training run's --seed; default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--bad-images", paramLabel = "fail|skip", defaultValue = "fail",
            description = "Images that cannot be decoded: fail (default), or skip them and report how many.")
    String badImages;

    @Option(names = "--limit", paramLabel = "N", description = "Evaluate only the first N images.")
    Integer limit;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "" + ImageClassifier.DEFAULT_BATCH_SIZE,
            description = "Images per model call (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Mixin
    RuntimeOptionsMixin runtime;

    @Mixin
    JsonOutput json;

    /** Creates the command. */
    public EvalCommand() {}

    @Override
    public Integer call() throws Exception {
        DatasetFolder.Part part;
        DatasetFolder.Format layout;
        BadImages onBad;
        try {
            part = DatasetFolder.Part.parse(split);
            layout = DatasetFolder.Format.parse(format);
            onBad = BadImages.parse(badImages);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, e.getMessage(), e);
        }
        if (limit != null && limit < 1) {
            throw new CliException(ExitCodes.USAGE, "--limit must be >= 1, got " + limit);
        }
        if (batchSize < 1) {
            throw new CliException(ExitCodes.USAGE, "--batch-size must be >= 1, got " + batchSize);
        }
        if (!(valSplit >= 0 && valSplit < 1)) {
            throw new CliException(ExitCodes.USAGE, "--val-split must be a fraction in [0, 1), got " + valSplit);
        }
        PrintWriter out = spec.commandLine().getOut();
        try (ImageClassifier classifier = ImageClassifier.open(model, runtime.toRuntimeOptions())) {
            InputSpec in = classifier.input();
            DatasetFolder folder = DatasetFolder.builder(data).optFormat(layout).optValSplit(valSplit).optSeed(seed)
                    .optBadImages(onBad).optInput(new ImageSize(in.channels(), in.height(), in.width())).open();
            // A folder of class folders without a validation part is evaluated whole.
            boolean whole = !folder.hasPart(part);
            DatasetFolder.Part read = whole ? DatasetFolder.Part.TRAIN : part;
            ImageDataset images = folder.part(read);
            if (limit != null) {
                images = images.first(limit);
            }
            String splitName = whole ? "all" : folder.format() == DatasetFolder.Format.FASHION_MNIST
                    ? (read == DatasetFolder.Part.TRAIN ? "train" : "t10k")
                    : read.name().toLowerCase(java.util.Locale.ROOT);
            Evaluation e;
            try {
                e = classifier.evaluate(images, batchSize);
            } catch (IllegalArgumentException mismatch) {
                throw new CliException(ExitCodes.INPUT_MISMATCH, mismatch.getMessage(), mismatch);
            }
            if (!folder.skipped().isEmpty()) {
                spec.commandLine().getErr().printf(Locale.ROOT, "asnet: skipped %d unreadable image%s: %s%n",
                        folder.skipped().size(), folder.skipped().size() == 1 ? "" : "s", folder.skipped().get(0)
                                + (folder.skipped().size() > 1 ? "; ..." : ""));
                spec.commandLine().getErr().flush();
            }
            if (json.enabled) {
                JsonOutput.print(out, json(e, classifier.model().executionProvider().id(), splitName,
                        folder.format().id()));
                return ExitCodes.OK;
            }
            out.printf(Locale.ROOT, "model      %s (%s)%n", model, classifier.model().executionProvider().id());
            out.printf(Locale.ROOT, "dataset    %s, %s split, %d images%n", folder.describe(read), splitName,
                    e.count());
            out.printf(Locale.ROOT, "accuracy   %.4f (%d/%d)%n", e.accuracy(), e.correct(), e.count());
            out.printf(Locale.ROOT, "throughput %.1f images/s (%.2f s, batch %d)%n", e.imagesPerSecond(), e.seconds(),
                    batchSize);
            out.println("per class");
            for (int c = 0; c < e.classNames().size(); c++) {
                int n = imagesOf(e, c);
                out.printf(Locale.ROOT, "  %d %-12s %.4f (%d images)%n", c, e.classNames().get(c), e.classAccuracy(c), n);
            }
        }
        return ExitCodes.OK;
    }

    /** The JSON document of {@code eval --json}; the README lists the fields. */
    private Map<String, Object> json(Evaluation e, String provider, String splitName, String layout) {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("model", model.toString());
        j.put("executionProvider", provider);
        j.put("dataset", data.toString());
        j.put("format", layout);
        j.put("split", splitName);
        j.put("count", e.count());
        j.put("correct", e.correct());
        j.put("accuracy", JsonOutput.number(e.accuracy()));
        j.put("imagesPerSecond", JsonOutput.number(e.imagesPerSecond()));
        j.put("seconds", JsonOutput.number(e.seconds()));
        j.put("batchSize", batchSize);
        List<Map<String, Object>> perClass = new ArrayList<>();
        for (int c = 0; c < e.classNames().size(); c++) {
            Map<String, Object> k = new LinkedHashMap<>();
            k.put("index", c);
            k.put("label", e.classNames().get(c));
            k.put("count", imagesOf(e, c));
            // A class with no images has no accuracy: null, not NaN.
            k.put("accuracy", JsonOutput.number(e.classAccuracy(c)));
            perClass.add(k);
        }
        j.put("perClass", perClass);
        return j;
    }

    private static int imagesOf(Evaluation e, int c) {
        int n = 0;
        for (int v : e.confusion()[c]) {
            n += v;
        }
        return n;
    }
}
