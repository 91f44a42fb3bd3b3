package dev.asnet.cli;

import dev.asnet.runtime.vision.ImageClassifier;
import dev.asnet.runtime.vision.ImageFiles;
import dev.asnet.runtime.vision.Prediction;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code asnet predict}: classifies image files. */
@Command(name = "predict", sortOptions = false,
        description = {"Classify PNG, JPEG or BMP images: each is scaled to cover the model's input size, "
                + "center-cropped, converted to grayscale or RGB as the model needs and normalized with the mean/std "
                + "in the model's metadata; prints the top classes with softmax probabilities."},
        footer = {"%nExamples:%n  asnet predict as-resnet20.onnx shoe.png shirt.jpg --top 3",
            "  asnet predict as-resnet20.onnx shoe.png --json"})
public final class PredictCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL", description = "The .onnx file.")
    Path model;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "IMAGE", description = "Image files.")
    List<Path> images;

    @Option(names = {"-k", "--top"}, paramLabel = "K", defaultValue = "5",
            description = "Classes to print per image (default: ${DEFAULT-VALUE}).")
    int top;

    @Mixin
    RuntimeOptionsMixin runtime;

    @Mixin
    JsonOutput json;

    /** Creates the command. */
    public PredictCommand() {}

    @Override
    public Integer call() throws Exception {
        if (top < 1) {
            throw new CliException(ExitCodes.USAGE, "--top must be >= 1, got " + top);
        }
        // Decode everything first: a bad image fails the command before any model work.
        List<BufferedImage> decoded = new ArrayList<>();
        for (Path p : images) {
            decoded.add(ImageFiles.read(p));
        }
        PrintWriter out = spec.commandLine().getOut();
        try (ImageClassifier classifier = ImageClassifier.open(model, runtime.toRuntimeOptions())) {
            List<List<Prediction>> results = classifier.classifyAll(decoded, top);
            if (json.enabled) {
                JsonOutput.print(out, json(results));
                return ExitCodes.OK;
            }
            for (int i = 0; i < images.size(); i++) {
                out.println(images.get(i));
                List<Prediction> preds = results.get(i);
                for (int r = 0; r < preds.size(); r++) {
                    Prediction p = preds.get(r);
                    out.printf(java.util.Locale.ROOT, "  %d. %-20s %3d  %.4f%n", r + 1, p.label(), p.index(), p.probability());
                }
            }
        }
        return ExitCodes.OK;
    }

    /** The JSON document of {@code predict --json}; the README lists the fields. */
    private Map<String, Object> json(List<List<Prediction>> results) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            List<Map<String, Object>> ranked = new ArrayList<>();
            for (Prediction p : results.get(i)) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("rank", ranked.size() + 1);
                m.put("label", p.label());
                m.put("index", p.index());
                m.put("probability", JsonOutput.number(p.probability()));
                ranked.add(m);
            }
            Map<String, Object> image = new LinkedHashMap<>();
            image.put("file", images.get(i).toString());
            image.put("top", ranked);
            list.add(image);
        }
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("model", model.toString());
        j.put("images", list);
        return j;
    }
}
