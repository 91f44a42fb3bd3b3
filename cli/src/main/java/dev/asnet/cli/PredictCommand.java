package dev.asnet.cli;

import dev.asnet.runtime.vision.ImageClassifier;
import dev.asnet.runtime.vision.ImageFiles;
import dev.asnet.runtime.vision.Prediction;
import dev.asnet.runtime.dataset.DatasetFolder;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code asnet predict}: classifies image files. */
@Command(name = "predict", sortOptions = false,
        description = {"Classify PNG, JPEG or BMP images (a folder stands for every image under it, as in a dataset's "
                + "class folders): each is scaled to cover the model's input size, "
                + "center-cropped, converted to grayscale or RGB as the model needs and normalized with the mean/std "
                + "in the model's metadata; prints the top classes with softmax probabilities."},
        footer = {"%nExamples:%n  asnet predict as-resnet20.onnx shoe.png shirt.jpg --top 3",
            "  asnet predict as-resnet20.onnx shoe.png --json"})
public final class PredictCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL", description = "The .onnx file.")
    Path model;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "IMAGE",
            description = "Image files, or folders (every .png, .jpg, .jpeg and .bmp under them, sorted).")
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
        List<Path> files = expand(images);
        PrintWriter out = spec.commandLine().getOut();
        try (ImageClassifier classifier = ImageClassifier.open(model, runtime.toRuntimeOptions())) {
            // Decode everything before classifying: a bad image fails the command before any
            // result is printed. Large images are decoded at reduced resolution, as classify(Path) does.
            List<BufferedImage> decoded = new ArrayList<>();
            for (Path p : files) {
                decoded.add(ImageFiles.readForInput(p, classifier.input().width(), classifier.input().height(),
                        ImageFiles.maxPixels()));
            }
            List<List<Prediction>> results = classifier.classifyAll(decoded, top);
            if (json.enabled) {
                JsonOutput.print(out, json(files, results));
                return ExitCodes.OK;
            }
            for (int i = 0; i < files.size(); i++) {
                out.println(files.get(i));
                List<Prediction> preds = results.get(i);
                for (int r = 0; r < preds.size(); r++) {
                    Prediction p = preds.get(r);
                    out.printf(java.util.Locale.ROOT, "  %d. %-20s %3d  %.4f%n", r + 1, p.label(), p.index(), p.probability());
                }
            }
        }
        return ExitCodes.OK;
    }

    /** The arguments with each folder replaced by the image files under it. */
    private static List<Path> expand(List<Path> args) throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path a : args) {
            if (!Files.isDirectory(a)) {
                out.add(a);
                continue;
            }
            List<Path> found = new ArrayList<>();
            try (Stream<Path> s = Files.walk(a, FileVisitOption.FOLLOW_LINKS)) {
                for (Path p : (Iterable<Path>) s::iterator) {
                    String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
                    if (!n.startsWith(".") && Files.isRegularFile(p)
                            && DatasetFolder.IMAGE_EXTENSIONS.stream().anyMatch(n::endsWith)) {
                        found.add(p);
                    }
                }
            }
            if (found.isEmpty()) {
                throw new CliException(ExitCodes.FILE_PROBLEM, a + ": the folder holds no .png, .jpg, .jpeg or .bmp "
                        + "files");
            }
            found.sort(null);
            out.addAll(found);
        }
        return out;
    }

    /** The JSON document of {@code predict --json}; the README lists the fields. */
    private Map<String, Object> json(List<Path> files, List<List<Prediction>> results) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
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
            image.put("file", files.get(i).toString());
            image.put("top", ranked);
            list.add(image);
        }
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("model", model.toString());
        j.put("images", list);
        return j;
    }
}
