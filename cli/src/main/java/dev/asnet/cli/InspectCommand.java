package dev.asnet.cli;

import dev.asnet.exporter.ModelInfo;
import dev.asnet.exporter.ops.AsnetDomain;
import dev.asnet.runtime.InvalidModelException;
import dev.asnet.runtime.ModelDescription;
import dev.asnet.runtime.ValueSpec;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code asnet inspect}: what an ONNX model holds, without running it. */
@Command(name = "inspect",
        description = "Describe an ONNX model without running it: architecture, inputs and outputs, parameter and "
                + "MAC counts, operators used, custom operator domains, ASL lowering, whether the file is machine-specific "
                + "(an ONNX Runtime optimized graph, as asnet optimize writes) and metadata.",
        footer = {"%nExamples:%n  asnet inspect as-resnet20.onnx%n  asnet inspect as-resnet20.onnx --json"})
public final class InspectCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL", description = "The .onnx file.")
    Path model;

    @Mixin
    JsonOutput json;

    /** Creates the command. */
    public InspectCommand() {}

    @Override
    public Integer call() throws Exception {
        ModelDescription d = ModelDescription.read(model);
        ModelInfo info;
        String broken = null;
        try {
            info = d.info();
        } catch (InvalidModelException e) {
            // Inspect is where a broken model is looked at: say what is wrong and show the rest.
            info = ModelInfo.EMPTY;
            broken = e.getMessage();
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json.enabled) {
            JsonOutput.print(out, json(d, info, broken));
            return ExitCodes.OK;
        }
        row(out, "model", model + " (" + Format.bytes(Files.size(model)) + ")");
        row(out, "architecture", d.architecture().orElse("unknown (no asnet metadata)"));
        row(out, "producer", d.producer().isEmpty() ? "unknown" : d.producer());
        List<String> opsets = new ArrayList<>();
        d.opsetImports().forEach((k, v) -> opsets.add(k + " " + v));
        row(out, "format", "ONNX IR " + d.irVersion() + ", opsets " + String.join(", ", opsets));
        for (ValueSpec v : d.inputs()) {
            row(out, "input", v.toString());
        }
        for (ValueSpec v : d.outputs()) {
            row(out, "output", v.toString());
        }
        row(out, "parameters", Format.count(d.parameters())
                + (info.params().isPresent() ? " trainable" : " stored in initializers"));
        row(out, "MACs", d.macs().isPresent() ? Format.count(d.macs().getAsLong()) + " per image" : "unknown");
        row(out, "quantized", describeQuantization(d));
        row(out, "lowering", d.aslLowering().map(InspectCommand::describeLowering).orElse("none (no Active Shift layers)"));
        row(out, "machine", d.machineSpecific().map(m -> "specific: " + m)
                .orElse("portable (no ONNX Runtime layout ops)"));
        row(out, "custom domains", d.customDomains().isEmpty() ? "none (standard ONNX only)"
                : String.join(", ", d.customDomains())
                        + (d.customDomains().contains(AsnetDomain.DOMAIN) ? " (asnet op library, registered automatically)" : ""));
        List<String> ops = new ArrayList<>();
        for (Map.Entry<String, Integer> e : d.operators().entrySet()) {
            ops.add(e.getKey() + " x" + e.getValue());
        }
        row(out, "operators", d.nodeCount() + " nodes: " + String.join(", ", ops));
        if (broken != null) {
            row(out, "metadata error", broken);
        }
        if (!d.metadata().isEmpty()) {
            out.println("metadata");
            for (Map.Entry<String, String> e : d.metadata().entrySet()) {
                // One line per entry: multi-line values (the class labels) show their lines joined.
                out.printf("  %-20s %s%n", e.getKey(), e.getValue().replace("\n", " | "));
            }
        }
        return ExitCodes.OK;
    }

    /**
     * The JSON document of {@code inspect --json}; the README lists the fields. Absent facts are
     * null rather than missing, so that every document has the same fields.
     */
    private Map<String, Object> json(ModelDescription d, ModelInfo info, String broken) throws java.io.IOException {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("file", model.toString());
        j.put("sizeBytes", Files.size(model));
        j.put("architecture", d.architecture().orElse(null));
        j.put("producer", d.producer().isEmpty() ? null : d.producer());
        j.put("irVersion", d.irVersion());
        j.put("opsets", d.opsetImports());
        j.put("inputs", values(d.inputs()));
        j.put("outputs", values(d.outputs()));
        j.put("parameters", d.parameters());
        j.put("parametersTrainable", info.params().isPresent());
        j.put("macsPerImage", d.macs().isPresent() ? d.macs().getAsLong() : null);
        String quantization = describeQuantization(d);
        j.put("quantized", !quantization.startsWith("no "));
        j.put("quantization", quantization);
        j.put("lowering", d.aslLowering().orElse(null));
        j.put("machineSpecific", d.machineSpecific().orElse(null));
        j.put("customDomains", List.copyOf(d.customDomains()));
        j.put("nodeCount", d.nodeCount());
        j.put("operators", d.operators());
        j.put("metadata", d.metadata());
        j.put("metadataError", broken);
        return j;
    }

    private static List<Map<String, Object>> values(List<ValueSpec> specs) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (ValueSpec v : specs) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", v.name());
            m.put("elementType", v.elementType());
            // Dynamic dimensions are -1 in dims, so that dims stays a list of numbers; shape names them.
            long[] dims = v.dims();
            for (int i = 0; i < dims.length; i++) {
                dims[i] = Math.max(-1, dims[i]);
            }
            m.put("dims", dims);
            m.put("shape", v.shapeText());
            list.add(m);
        }
        return list;
    }

    /** How the model is quantized: from asnet's metadata, else from the QDQ ops it holds. */
    static String describeQuantization(ModelDescription d) {
        var method = d.metadata(ModelInfo.QUANTIZED);
        if (method.isPresent()) {
            StringBuilder sb = new StringBuilder("int8 QDQ (uint8 activations, int8 per-channel weights, int32 biases), ")
                    .append(method.get()).append(" calibration");
            d.metadata(ModelInfo.QUANTIZATION_IMAGES).ifPresent(n -> sb.append(" on ").append(n).append(" images"));
            d.metadata(ModelInfo.QUANTIZATION_CALIBRATION).ifPresent(c -> sb.append(" of ").append(c));
            d.metadata(ModelInfo.QUANTIZATION_SEED).ifPresent(s -> sb.append(", seed ").append(s));
            d.metadata(ModelInfo.QUANTIZATION_ASL).ifPresent(a -> sb.append("; Active Shift in ").append(a));
            d.metadata(ModelInfo.QUANTIZATION_STEM).ifPresent(a -> sb.append("; stem ").append(a));
            return sb.toString();
        }
        int q = d.operators().getOrDefault("QuantizeLinear", 0);
        int dq = d.operators().getOrDefault("DequantizeLinear", 0);
        long qlinear = d.operators().keySet().stream().filter(k -> k.contains("QLinear") || k.endsWith("Integer")).count();
        if (q + dq > 0 || qlinear > 0) {
            return "yes (" + q + " QuantizeLinear, " + dq + " DequantizeLinear" + (qlinear > 0 ? ", integer ops" : "")
                    + "; not quantized by asnet, no calibration metadata)";
        }
        return "no (float)";
    }

    private static String describeLowering(String id) {
        return switch (id) {
            case "custom" -> "custom (dev.asnet ActiveShift op)";
            case "portable" -> "portable (standard ONNX GridSample)";
            case "depthwise" -> "depthwise (exact depthwise convolution)";
            default -> id;
        };
    }

    private static void row(PrintWriter out, String key, String value) {
        out.printf("%-15s %s%n", key, value);
    }
}
