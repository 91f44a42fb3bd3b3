package dev.asnet.cli;

import dev.asnet.exporter.ModelInfo;
import dev.asnet.exporter.export.AslLowering;
import dev.asnet.exporter.export.ExportOptions;
import dev.asnet.exporter.export.InferenceExport;
import dev.asnet.exporter.io.OnnxReader;
import dev.asnet.exporter.io.OnnxWriter;
import dev.asnet.exporter.ir.IrException;
import dev.asnet.exporter.ir.Model;
import dev.asnet.exporter.ir.Node;
import dev.asnet.exporter.ops.AsnetDomain;
import dev.asnet.runtime.InvalidModelException;
import dev.asnet.runtime.ModelDescription;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code asnet convert}: rewrites the Active Shift layers of an existing model (with its own,
 * possibly trained, shifts) into another lowering, so that a trained model can be compared with its
 * own depthwise or portable form. Everything else in the model is kept.
 */
@Command(name = "convert", sortOptions = false,
        description = {"Rewrite the Active Shift layers of an existing model, with its own (trained) shifts, into "
                + "another lowering; everything else is kept. The model must hold its ASLs as dev.asnet "
                + "ActiveShift nodes (the custom lowering, as asnet export and asnet train write by default)."},
        footer = {"%nExamples:", "  asnet convert runs/as16x3/model.onnx --lowering depthwise -o as16x3-depthwise.onnx",
            "  asnet convert model.onnx --lowering custom -o sorted.onnx    # only orders the ASL channels"})
public final class ConvertCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "The model to convert.")
    Path input;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE",
            description = "The .onnx file to write (replaced atomically if it exists).")
    Path output;

    @Option(names = "--lowering", paramLabel = "LOWERING", required = true,
            converter = ExportCommand.LoweringConverter.class,
            description = "custom, portable or depthwise.")
    AslLowering lowering;

    @Option(names = "--max-radius", paramLabel = "R", defaultValue = "" + ExportOptions.DEFAULT_MAX_RADIUS,
            description = "Largest kernel radius the depthwise lowering may use (default: ${DEFAULT-VALUE}).")
    int maxRadius;

    @Option(names = "--no-sort", description = "Keep the ASL channel order (by default channels are ordered by "
            + "their integer offsets, which the blocked CPU kernel runs faster; results are unchanged).")
    boolean noSort;

    @Option(names = "--opset", paramLabel = "N",
            description = "Standard ONNX opset version (default: the model's; portable needs >= 16).")
    Integer opset;

    /** Creates the command. */
    public ConvertCommand() {}

    @Override
    public Integer call() throws Exception {
        ModelDescription description = ModelDescription.read(input);
        if (description.usesExternalData()) {
            throw new InvalidModelException(input + ": stores tensors as external data; convert a self-contained model");
        }
        Model source;
        try {
            source = OnnxReader.read(input);
        } catch (IrException e) {
            throw new InvalidModelException(input + ": asnet cannot edit this model: " + e.getMessage(), e);
        }
        long asls = source.graph().nodes().stream().filter(ConvertCommand::isActiveShift).count();
        if (asls == 0) {
            String current = description.aslLowering().orElse(null);
            throw new CliException(ExitCodes.USAGE, input + (current != null && !current.equals("custom")
                    ? ": its Active Shift layers are already lowered (" + current + "); convert the model's custom "
                            + "form (as asnet export or asnet train write it) instead"
                    : ": has no Active Shift layers; nothing to convert"));
        }
        ExportOptions options;
        try {
            options = ExportOptions.builder().setLowering(lowering).optMaxRadius(maxRadius)
                    .optSortShiftChannels(!noSort).optFoldBatchNorm(true)
                    .optOpsetVersion(opset != null ? opset : source.opsetVersion()).build();
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, e.getMessage(), e);
        }
        Model converted;
        try {
            converted = InferenceExport.prepare(source, options);
        } catch (IrException e) {
            throw new CliException(ExitCodes.USAGE, "cannot convert " + input + " to the " + lowering.id()
                    + " lowering: " + e.getMessage(), e);
        }
        byte[] bytes = OnnxWriter.toBytes(converted);
        OutputFiles.write(output, bytes);
        PrintWriter out = spec.commandLine().getOut();
        out.printf("wrote %s (%s): %d Active Shift layer%s in the %s lowering%s%n", output, Format.bytes(bytes.length),
                asls, asls == 1 ? "" : "s", lowering.id(), converted.metadata().containsKey(ModelInfo.ASL_RADIUS)
                        ? ", radius " + converted.metadata().get(ModelInfo.ASL_RADIUS) : "");
        return ExitCodes.OK;
    }

    private static boolean isActiveShift(Node n) {
        return n.domain().equals(AsnetDomain.DOMAIN) && n.opType().equals(AsnetDomain.ACTIVE_SHIFT);
    }
}
