package dev.asnet.cli;

import dev.asnet.exporter.export.AslLowering;
import dev.asnet.exporter.export.ExportOptions;
import dev.asnet.exporter.export.InferenceExport;
import dev.asnet.exporter.export.SpreadShifts;
import dev.asnet.exporter.io.OnnxWriter;
import dev.asnet.exporter.ir.Model;
import dev.asnet.models.Architecture;
import dev.asnet.models.ModelConfig;
import dev.asnet.runtime.ModelDescription;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/** {@code asnet export}: builds a zoo network and writes it as an ONNX inference model. */
@Command(name = "export", sortOptions = false,
        description = {"Build a zoo network with freshly initialized (seeded, random) weights and write it as an "
                + "ONNX inference model, BatchNormalization folded, Active Shift layers in the chosen lowering.",
            "",
            "Lowerings: custom = the dev.asnet ActiveShift op (needs the asnet op library, which asnet registers "
                + "itself); portable = standard ONNX GridSample (any ONNX Runtime >= 1.12, within 1e-4 of custom); "
                + "depthwise = depthwise convolution with the bilinear taps (standard ONNX, exact to float rounding, fast)."},
        footer = {"%nExample:%n  asnet export as-resnet20-16x6 --lowering custom --input 1x28x28 --classes 10 "
                + "-o as-resnet20.onnx"})
public final class ExportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL", description = "Zoo network, such as as-resnet20-16x6 (see 'asnet models').")
    String model;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE", description = "The .onnx file to write "
            + "(replaced atomically if it exists).")
    Path output;

    @Option(names = "--lowering", paramLabel = "LOWERING", defaultValue = "custom", converter = LoweringConverter.class,
            description = "How Active Shift layers are written: custom, portable or depthwise (default: ${DEFAULT-VALUE}).")
    AslLowering lowering;

    @Mixin
    ModelConfigOptions config;

    @Option(names = "--max-radius", paramLabel = "R", defaultValue = "" + ExportOptions.DEFAULT_MAX_RADIUS,
            description = "Largest kernel radius the depthwise lowering may use (default: ${DEFAULT-VALUE}).")
    int maxRadius;

    @Option(names = "--shift-range", paramLabel = "R",
            description = "Initialize every ASL shift uniformly in [-R, R] (seeded) instead of the architecture's "
                    + "[-1, 1]: trained shifts are spread wider (the released w32 model spans about +-4.75), which "
                    + "matters for latency measurements.")
    Float shiftRange;

    @Option(names = "--no-fold-bn", description = "Keep BatchNormalization nodes instead of folding them into convolutions.")
    boolean noFoldBatchNorm;

    @Option(names = "--opset", paramLabel = "N", defaultValue = "17",
            description = "Standard ONNX opset version (default: ${DEFAULT-VALUE}; portable needs >= 16).")
    int opset;

    /** Creates the command. */
    public ExportCommand() {}

    @Override
    public Integer call() throws Exception {
        Architecture arch = Zoo.get(model);
        ModelConfig cfg = config.resolve(arch);
        ExportOptions options;
        try {
            options = ExportOptions.builder().setLowering(lowering).optMaxRadius(maxRadius)
                    .optFoldBatchNorm(!noFoldBatchNorm).optOpsetVersion(opset).build();
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, e.getMessage(), e);
        }
        if (shiftRange != null && !(shiftRange > 0 && shiftRange <= 64)) {
            throw new CliException(ExitCodes.USAGE, "--shift-range must be in (0, 64], got " + shiftRange);
        }
        Model inference;
        try {
            Model built = arch.build(cfg);
            if (shiftRange != null) {
                SpreadShifts.apply(built.graph(), shiftRange, cfg.seed());
            }
            inference = InferenceExport.prepare(built, options);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, "cannot build " + model + " for " + cfg + ": " + e.getMessage(), e);
        }
        byte[] bytes = OnnxWriter.toBytes(inference);
        OutputFiles.write(output, bytes);
        ModelDescription d = ModelDescription.parse(bytes, output.toString());
        PrintWriter out = spec.commandLine().getOut();
        out.printf("wrote %s (%s)%n", output, Format.bytes(bytes.length));
        out.printf("  model       %s, %s%n", model, d.aslLowering().map(l -> l + " lowering")
                .orElse("no Active Shift layers (--lowering does not apply)"));
        out.printf("  input       %s%n", d.inputs().get(0));
        out.printf("  output      %s (%d classes%s)%n", d.outputs().get(0), cfg.numClasses(),
                cfg.classLabels() != null ? ", labelled" : "");
        out.printf("  parameters  %s%n", Format.count(d.parameters()));
        if (d.macs().isPresent()) {
            out.printf("  MACs        %s per image%n", Format.count(d.macs().getAsLong()));
        }
        out.printf("  weights     random (seed %d): train before expecting useful predictions%n", cfg.seed());
        return ExitCodes.OK;
    }

    /** Parses lowering names. */
    static final class LoweringConverter implements ITypeConverter<AslLowering> {
        @Override
        public AslLowering convert(String value) {
            try {
                return AslLowering.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
