package dev.asnet.cli;

import dev.asnet.runtime.dataset.FashionMnist;
import dev.asnet.runtime.dataset.LabeledImages;
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

/** {@code asnet eval}: accuracy of a model on a Fashion-MNIST-style IDX dataset. */
@Command(name = "eval", sortOptions = false,
        description = {"Classify every image of an IDX dataset (Fashion-MNIST layout: "
                + "<split>-images-idx3-ubyte[.gz] and <split>-labels-idx1-ubyte[.gz]) and report top-1 accuracy, "
                + "per-class accuracy and throughput. The images must have the model's height and width."},
        footer = {"%nExamples:%n  asnet eval as-resnet20.onnx --limit 1000%n  asnet eval as-resnet20.onnx --json > eval.json",
            "%nThe default dataset folder is filled by 'apt-get install dataset-fashion-mnist'."})
public final class EvalCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL", description = "The .onnx file.")
    Path model;

    @Option(names = "--data", paramLabel = "DIR", defaultValue = "/usr/share/datasets/fashion-mnist",
            description = "Folder with the IDX files (default: ${DEFAULT-VALUE}).")
    Path data;

    @Option(names = "--split", paramLabel = "SPLIT", defaultValue = "test",
            description = "test (t10k-* files) or train (default: ${DEFAULT-VALUE}).")
    String split;

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
        FashionMnist.Split s;
        try {
            s = FashionMnist.Split.parse(split);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, "--split: " + e.getMessage(), e);
        }
        if (limit != null && limit < 1) {
            throw new CliException(ExitCodes.USAGE, "--limit must be >= 1, got " + limit);
        }
        if (batchSize < 1) {
            throw new CliException(ExitCodes.USAGE, "--batch-size must be >= 1, got " + batchSize);
        }
        LabeledImages images = FashionMnist.load(data, s);
        if (limit != null) {
            images = images.limit(limit);
        }
        PrintWriter out = spec.commandLine().getOut();
        try (ImageClassifier classifier = ImageClassifier.open(model, runtime.toRuntimeOptions())) {
            Evaluation e;
            try {
                e = classifier.evaluate(images, batchSize);
            } catch (IllegalArgumentException mismatch) {
                throw new CliException(ExitCodes.INPUT_MISMATCH, mismatch.getMessage(), mismatch);
            }
            if (json.enabled) {
                JsonOutput.print(out, json(e, classifier.model().executionProvider().id(), s));
                return ExitCodes.OK;
            }
            out.printf(Locale.ROOT, "model      %s (%s)%n", model, classifier.model().executionProvider().id());
            out.printf(Locale.ROOT, "dataset    %s, %s split, %d images%n", data, s.prefix(), e.count());
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
    private Map<String, Object> json(Evaluation e, String provider, FashionMnist.Split s) {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("model", model.toString());
        j.put("executionProvider", provider);
        j.put("dataset", data.toString());
        j.put("split", s.prefix());
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
