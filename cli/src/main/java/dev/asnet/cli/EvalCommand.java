package dev.asnet.cli;

import dev.asnet.runtime.dataset.FashionMnist;
import dev.asnet.runtime.dataset.LabeledImages;
import dev.asnet.runtime.vision.Evaluation;
import dev.asnet.runtime.vision.ImageClassifier;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
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
        footer = {"%nExample:%n  asnet eval as-resnet20.onnx --limit 1000",
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
            out.printf(Locale.ROOT, "model      %s (%s)%n", model, classifier.model().executionProvider().id());
            out.printf(Locale.ROOT, "dataset    %s, %s split, %d images%n", data, s.prefix(), e.count());
            out.printf(Locale.ROOT, "accuracy   %.4f (%d/%d)%n", e.accuracy(), e.correct(), e.count());
            out.printf(Locale.ROOT, "throughput %.1f images/s (%.2f s, batch %d)%n", e.imagesPerSecond(), e.seconds(),
                    batchSize);
            out.println("per class");
            for (int c = 0; c < e.classNames().size(); c++) {
                int n = 0;
                for (int v : e.confusion()[c]) {
                    n += v;
                }
                out.printf(Locale.ROOT, "  %d %-12s %.4f (%d images)%n", c, e.classNames().get(c), e.classAccuracy(c), n);
            }
        }
        return ExitCodes.OK;
    }
}
