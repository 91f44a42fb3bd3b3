package dev.asnet.cli;

import dev.asnet.exporter.ModelInfo;
import dev.asnet.exporter.io.OnnxReader;
import dev.asnet.exporter.io.OnnxWriter;
import dev.asnet.exporter.ir.IrException;
import dev.asnet.exporter.ir.Model;
import dev.asnet.exporter.ops.AsnetDomain;
import dev.asnet.exporter.quantize.AslQuantization;
import dev.asnet.exporter.quantize.BatchNormQuantization;
import dev.asnet.exporter.quantize.CalibrationMethod;
import dev.asnet.exporter.quantize.QuantizationException;
import dev.asnet.exporter.quantize.QuantizeOptions;
import dev.asnet.runtime.InvalidModelException;
import dev.asnet.runtime.ModelDescription;
import dev.asnet.runtime.dataset.FashionMnist;
import dev.asnet.runtime.quantize.CalibrationData;
import dev.asnet.runtime.quantize.CalibrationSets;
import dev.asnet.runtime.quantize.ModelQuantizer;
import dev.asnet.exporter.InputSpec;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code asnet quantize}: static post-training int8 quantization of a float model into standard
 * ONNX QDQ form, calibrated on Fashion-MNIST, an image folder or synthetic images.
 */
@Command(name = "quantize", sortOptions = false,
        description = {"Quantize a float model to int8 (static, QDQ format: uint8 activations, int8 per-channel "
                + "weights, int32 biases) that any ONNX Runtime loads. Activation ranges are calibrated by running the "
                + "float model on calibration images prepared with the model's own preprocessing. BatchNormalization "
                + "that cannot be folded (with its ReLU) becomes one uint8 pass (dev.asnet::ChannelAffineU8; with "
                + "--batch-norm conv or --asl depthwise a depthwise 1x1 convolution); Active Shift layers run on the uint8 tensors "
                + "(or, with --asl float, in float between the quantized convolutions), keeping their input's scale; with "
                + "--asl depthwise they become int8 depthwise convolutions and the model needs no asnet op library."},
        footer = {"%nCalibration sources:",
            "  DIR or idx:DIR  an IDX dataset folder (Fashion-MNIST layout), training split",
            "  img:DIR or DIR  a folder of PNG/JPEG/BMP files (a DIR without IDX files), resized like 'asnet predict'",
            "  synthetic       seeded random images: for latency measurements only, the accuracy means nothing",
            "%nExamples:",
            "  asnet quantize models/pretrained/as-resnet20-16x3-fashion-mnist.onnx -o as16x3-int8.onnx",
            "  asnet quantize model.onnx -o model-int8.onnx --calibration photos/ --images 200 --method percentile",
            "  asnet quantize as-resnet-w32.onnx -o w32-int8.onnx --calibration synthetic --images 16",
            "  asnet quantize model.onnx -o model-int8-sandwich.onnx --asl float",
            "  asnet quantize model.onnx -o model-int8-portable.onnx --asl depthwise",
            "  asnet quantize model.onnx -o model-int8-convbn.onnx --batch-norm conv",
            "  asnet bench as-resnet-w32.onnx w32-int8.onnx --threads 1 --levels all --batch-size 1"})
public final class QuantizeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL", description = "The float .onnx model.")
    Path input;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE",
            description = "The quantized .onnx file to write (replaced atomically if it exists).")
    Path output;

    @Option(names = "--calibration", paramLabel = "SOURCE", defaultValue = "/usr/share/datasets/fashion-mnist",
            description = "IDX dataset folder (idx:DIR), image folder (img:DIR) or 'synthetic' (default: ${DEFAULT-VALUE}).")
    String calibration;

    @Option(names = "--images", paramLabel = "N", defaultValue = "1000",
            description = "Calibration images to run (default: ${DEFAULT-VALUE}; an image folder may hold fewer).")
    int images;

    @Option(names = "--method", paramLabel = "METHOD", defaultValue = "minmax",
            description = "Activation ranges: minmax or percentile (default: ${DEFAULT-VALUE}).")
    String method;

    @Option(names = "--percentile", paramLabel = "P", defaultValue = "" + QuantizeOptions.DEFAULT_PERCENTILE,
            description = "Upper percentile kept by --method percentile, in (50, 100] (default: ${DEFAULT-VALUE}).")
    double percentile;

    @Option(names = "--asl", paramLabel = "FORM", defaultValue = "uint8",
            description = "How Active Shift layers run: uint8 (one dev.asnet::ActiveShiftU8 on the uint8 tensor, "
                    + "channels-last at level all), float (DequantizeLinear -> ActiveShift -> QuantizeLinear) or "
                    + "depthwise (written as int8 depthwise convolutions: standard ONNX ops only, runs without the "
                    + "asnet op library; slow for large shifts) (default: ${DEFAULT-VALUE}).")
    String asl;

    @Option(names = "--batch-norm", paramLabel = "FORM",
            description = "How a BatchNormalization that cannot fold into a conv runs: uint8 (one "
                    + "dev.asnet::ChannelAffineU8 pass on the uint8 tensor, channels-last at level all) or conv (an int8 "
                    + "depthwise 1x1 convolution: standard ONNX ops only, several times slower) (default: conv with "
                    + "--asl depthwise, else uint8).")
    String batchNorm;

    @Option(names = "--stem", paramLabel = "FORM", defaultValue = "float",
            description = "The stem conv (the one reading the image): float (its output quantized; faster on ONNX "
                    + "Runtime's CPU for 1-3 input channels) or int8 (default: ${DEFAULT-VALUE}).")
    String stem;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1",
            description = "Chooses (or, for synthetic, makes) the calibration images (default: ${DEFAULT-VALUE}).")
    long seed;

    @Mixin
    RuntimeOptionsMixin runtime;

    /** Creates the command. */
    public QuantizeCommand() {}

    @Override
    public Integer call() throws Exception {
        QuantizeOptions options;
        try {
            QuantizeOptions.Builder b = QuantizeOptions.builder().optMethod(CalibrationMethod.parse(method))
                    .optPercentile(percentile).optAsl(parseAsl()).optFloatStem(parseStem());
            if (batchNorm != null) {
                b.optBatchNorm(parseBatchNorm());
            }
            options = b.build();
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, "--method/--percentile: " + e.getMessage(), e);
        }
        if (images < 1) {
            throw new CliException(ExitCodes.USAGE, "--images must be >= 1, got " + images);
        }
        ModelDescription description = ModelDescription.read(input);
        if (description.usesExternalData()) {
            throw new InvalidModelException(input + ": stores tensors as external data; quantize a self-contained model");
        }
        if (description.metadata(ModelInfo.QUANTIZED).isPresent()) {
            throw new CliException(ExitCodes.USAGE, input + ": is already quantized ("
                    + description.metadata(ModelInfo.QUANTIZED).get() + "); quantize its float form");
        }
        Model source;
        try {
            source = OnnxReader.read(input);
        } catch (IrException e) {
            throw new InvalidModelException(input + ": asnet cannot read this model for quantization: " + e.getMessage(), e);
        }
        InputSpec pre = ModelQuantizer.preprocessing(source);
        CalibrationData data = calibrationData(pre);
        PrintWriter out = spec.commandLine().getOut();
        ModelQuantizer.QuantizationResult r;
        try {
            r = ModelQuantizer.quantize(source, data, options, runtime.toRuntimeOptions(), null);
        } catch (QuantizationException e) {
            throw new CliException(ExitCodes.USAGE, "cannot quantize " + input + ": " + e.getMessage(), e);
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
        byte[] bytes = OnnxWriter.toBytes(r.model());
        OutputFiles.write(output, bytes);
        List<String> notes = new ArrayList<>();
        long affine = r.model().graph().nodes().stream().filter(n -> n.domain().equals(AsnetDomain.DOMAIN)
                && n.opType().equals(AsnetDomain.CHANNEL_AFFINE_U8)).count();
        if (affine > 0) {
            notes.add(affine + " BatchNormalization as " + AsnetDomain.CHANNEL_AFFINE_U8);
        }
        if (r.plan().batchNormsRewritten() > affine) {
            notes.add((r.plan().batchNormsRewritten() - affine) + " BatchNormalization as depthwise conv");
        }
        if (r.plan().activeShiftLayers() > 0) {
            notes.add(r.plan().activeShiftLayers() + " Active Shift layers in " + options.asl().id());
        }
        long lowered = source.graph().nodes().stream().filter(n -> n.domain().equals(AsnetDomain.DOMAIN)
                && n.opType().equals(AsnetDomain.ACTIVE_SHIFT)).count();
        if (options.asl() == AslQuantization.DEPTHWISE && lowered > 0) {
            notes.add(lowered + " Active Shift layers as int8 depthwise convs (radius "
                    + r.model().metadata().getOrDefault(ModelInfo.ASL_RADIUS, "?") + "; standard ONNX ops only)");
        }
        if (!r.plan().floatStems().isEmpty()) {
            notes.add("stem conv float");
        }
        if (!r.plan().keptInFloat().isEmpty()) {
            notes.add("float: " + r.plan().keptInFloat());
        }
        out.printf(Locale.ROOT, "wrote %s (%s, float %s): %d weighted layers int8, %d activations uint8%s%n", output,
                Format.bytes(bytes.length), Format.bytes(java.nio.file.Files.size(input)), r.plan().weightedLayers() - affine,
                r.ranges().size(), notes.isEmpty() ? "" : "; " + String.join(", ", notes));
        out.printf(Locale.ROOT, "calibration: %s, %d images, seed %d, %s%n", data.description(), data.size(), seed,
                options.describeMethod());
        return ExitCodes.OK;
    }

    private AslQuantization parseAsl() {
        try {
            return AslQuantization.parse(asl);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, "--asl: " + e.getMessage(), e);
        }
    }

    private boolean parseStem() {
        return switch (stem) {
            case "float" -> true;
            case "int8" -> false;
            default -> throw new CliException(ExitCodes.USAGE, "--stem: expected float or int8, got '" + stem + "'");
        };
    }

    private BatchNormQuantization parseBatchNorm() {
        try {
            return BatchNormQuantization.parse(batchNorm);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, "--batch-norm: " + e.getMessage(), e);
        }
    }

    private CalibrationData calibrationData(InputSpec pre) throws Exception {
        try {
            if (calibration.equals("synthetic")) {
                return CalibrationSets.synthetic(pre, images, seed);
            }
            if (calibration.startsWith("img:")) {
                return CalibrationSets.fromImageFolder(Path.of(calibration.substring(4)), pre, images, seed);
            }
            Path dir = Path.of(calibration.startsWith("idx:") ? calibration.substring(4) : calibration);
            if (!calibration.startsWith("idx:") && java.nio.file.Files.isDirectory(dir) && !holdsIdx(dir)) {
                return CalibrationSets.fromImageFolder(dir, pre, images, seed);
            }
            var train = FashionMnist.load(dir, FashionMnist.Split.TRAIN);
            if (images > train.size()) {
                throw new CliException(ExitCodes.USAGE, "--images " + images + ": the training split of " + dir
                        + " holds " + train.size() + " images");
            }
            return CalibrationSets.fromDataset(train, pre, images, seed, "idx train split (" + dir + ")");
        } catch (dev.asnet.runtime.InputMismatchException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.FILE_PROBLEM, "--calibration " + calibration + ": " + e.getMessage(), e);
        }
    }

    private static boolean holdsIdx(Path dir) throws java.io.IOException {
        try (var s = java.nio.file.Files.list(dir)) {
            return s.anyMatch(p -> p.getFileName().toString().contains("-idx"));
        }
    }
}
